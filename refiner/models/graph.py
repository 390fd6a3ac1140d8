"""The H36M-17 skeleton as a graph: the adjacency SemGCN convolves over."""
from __future__ import annotations

import torch

from common.skeleton import H36M17


def skeleton_adjacency(with_self_loops: bool = True) -> torch.Tensor:
    """Symmetric ``(17, 17)`` 0/1 adjacency of the kinematic tree."""
    n = H36M17.num_joints
    adj = torch.zeros(n, n)
    for child, parent in enumerate(H36M17.parents):
        if parent >= 0:
            adj[child, parent] = adj[parent, child] = 1
    if with_self_loops:
        adj += torch.eye(n)
    return adj
