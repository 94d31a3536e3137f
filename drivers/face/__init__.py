"""Face verification: detection, 128-d encodings, 1:1 matching and liveness (docs/face.md)."""
