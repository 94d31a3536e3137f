"""Camera frame sources: a file source here; the Qt Multimedia one lives in `ui/camera/`."""
