"""2D → 3D lifting (the seed's refiner): residual linear network, SemGCN and their fusion."""
from refiner.lifter import Lifter

__all__ = ["Lifter"]
