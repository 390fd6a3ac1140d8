"""Person detection: MoveNet MultiPose as a CenterNet detector (person_detector), run at two
scales where people can be of any size (multiscale)."""
from detection.multiscale import MultiScaleDetector
from detection.person_detector import PersonDetector

__all__ = ["MultiScaleDetector", "PersonDetector"]
