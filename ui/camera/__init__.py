"""Qt adapters of the camera: the real camera as a `drivers.camera.source.FrameSource`."""
