"""Camera failures (E420-E429), typed as device errors so the life cycle sets the status."""

from __future__ import annotations

from drivers.base import DeviceIOError, DeviceTimeoutError, NoHardwareError


class CameraNoHardwareError(NoHardwareError):
    code = "E420"
    message_zh = "未检测到摄像头"
    message_en = "no camera found"
    action = "Connect the camera (or set [devices.camera] source/path) and run `medterm diag`."
    action_zh = "请连接摄像头（或设置 [devices.camera] 的 source/path），然后运行 `medterm diag`。"


class CameraFrameTimeoutError(DeviceTimeoutError):
    code = "E421"
    message_zh = "摄像头无画面"
    message_en = "the camera delivers no pictures"
    action = "Check the camera's cable; restart the terminal if it persists."
    action_zh = "请检查摄像头的连接线；如果问题持续，请重启终端。"


class CameraSourceError(DeviceIOError):
    """An image or video file given as a camera cannot be read."""

    code = "E422"
    message_zh = "无法读取图像或视频文件"
    message_en = "the image or video file cannot be read"
    action = "Check the file path and format (JPEG/PNG image, or a video OpenCV can decode)."
    action_zh = "请检查文件路径和格式（JPEG/PNG 图片，或 OpenCV 能解码的视频）。"
