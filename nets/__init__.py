"""The converted networks (MoveNet, MoveNet MultiPose, BlazePose), their converter, and the runtime door.

Model code only: the stages in ``detection/``, ``pose/`` and ``refiner/`` build on these modules and
run them through ``open_network`` (ONNX Runtime on the CPU, torch on CUDA); nothing here imports
from the stages.
"""
from nets.runtime import RUNTIMES, open_network

__all__ = ["RUNTIMES", "open_network"]
