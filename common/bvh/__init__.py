"""BVH animation export: each tracked person as a skeleton animation for Blender, MotionBuilder & co.

One door: :func:`export_bvh` (store → ``person_<id>.bvh`` files). The rooms behind it:
skeleton (hierarchy, rest pose, axes, units), level (upright axes, floor), segments (time grid,
gaps), solver (inverse kinematics), euler (orders, unwrapping), motion (one animation in
memory), writer (the file), reader (a file back to joints, for checks).
See docs/bvh.md.
"""
from common.bvh.export import (BvhExport, BvhExportCancelled, BvhOptions, NothingToExport, WrittenBvh,
                               bvh_file_name, check_bvh_folder, export_bvh)

__all__ = ["BvhExport", "BvhExportCancelled", "BvhOptions", "NothingToExport", "WrittenBvh",
           "bvh_file_name", "check_bvh_folder", "export_bvh"]
