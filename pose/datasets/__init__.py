"""Data sources for the SE-ResNet integral estimator: Human3.6M (seed, VideoPose3D and mmpose
layouts), MPII for 2D mixing, synthetic stick figures for tests, and the torch Dataset that crops
and augments them. Every loader returns a list of :class:`PoseSample`."""
from pose.datasets.sample import DatasetError, PoseSample

__all__ = ["DatasetError", "PoseSample"]
