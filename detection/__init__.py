"""Person detection: MoveNet MultiPose as a CenterNet-style detector (see person_detector)."""
from detection.person_detector import PersonDetector

__all__ = ["PersonDetector"]
