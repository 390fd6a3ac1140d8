"""The converted networks (MoveNet, MoveNet MultiPose, BlazePose) and their converter.

Model code only: the stages in ``detection/`` and ``pose/`` build on these modules; nothing
here imports from the stages.
"""
