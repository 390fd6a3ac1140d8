"""2D pose estimation (pretrained MoveNet / BlazePose ports) and the SE-ResNet integral model."""


def make_estimator(name: str, device: str | None = None, **kwargs):
    """See ``pose.estimators.make_estimator`` (imported lazily: torch models load on demand)."""
    from pose.estimators import make_estimator as _make

    return _make(name, device, **kwargs)
