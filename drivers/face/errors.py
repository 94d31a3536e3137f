"""Typed refusals of the face check (E400-E499), each with the sentence the person reads.

The codes are grouped: E400-E409 detection and matching, E410-E419 liveness, E420-E429 the
camera (in `drivers.camera.errors`), E430-E439 face-only identification. `message_zh` and
`message_en` are what the screen shows; `action` is what the person does next (or the
technician, for E401).
"""

from __future__ import annotations

from kernel.errors import MedtermError


class FaceError(MedtermError):
    code = "E400"
    message_zh = "人脸识别失败"
    message_en = "face check failed"
    action = "Try again, or use your social security card or ID card instead."
    action_zh = "请再试一次，或改用社保卡或身份证。"


class FaceModelsUnavailable(FaceError):
    """face_recognition/dlib or its model files are missing: a technician's problem."""

    code = "E401"
    message_zh = "人脸识别组件不可用"
    message_en = "face recognition models are not available"
    action = "Install the 'face' extra (face_recognition, dlib, models) and restart the terminal."
    action_zh = "请安装 'face' 扩展组件（face_recognition、dlib 及模型文件），然后重启终端。"


class NoFaceError(FaceError):
    code = "E402"
    message_zh = "未检测到人脸，请正对摄像头"
    message_en = "no face found: please look at the camera"
    action = "Face the camera, remove hat, mask or sunglasses, and keep still."
    action_zh = "请正对摄像头，摘下帽子、口罩或墨镜，并保持不动。"


class PartialFaceError(FaceError):
    code = "E403"
    message_zh = "人脸不完整，请将整张脸移入画面"
    message_en = "face partly out of the picture: move your whole face into the frame"
    action = "Step back or move so that your whole face is in the middle of the screen."
    action_zh = "请后退或移动一下，让整张脸位于屏幕中央。"


class MultipleFacesError(FaceError):
    code = "E404"
    message_zh = "画面中有多张人脸，请仅本人面对摄像头"
    message_en = "more than one face in the picture: only the person being served, please"
    action = "Ask the people next to you to step out of the camera's view, then try again."
    action_zh = "请身边的人离开摄像头的拍摄范围，然后重试。"


class FaceMismatchError(FaceError):
    code = "E405"
    message_zh = "人脸与登记照片不一致"
    message_en = "face does not match the enrolled photo"
    action = "Try again facing the camera, or use your card and PIN instead."
    action_zh = "请正对摄像头再试一次，或改用社保卡加密码。"


class ReferenceUnusableError(FaceError):
    """The reference (ID photo or face_ref) holds no usable face: not the person's fault."""

    code = "E406"
    message_zh = "参考照片不可用"
    message_en = "the reference photo or encoding cannot be used"
    action = "Use your card and PIN instead; report the card or enrolment to the insurance office."
    action_zh = "请改用社保卡加密码；并向医保经办机构反映您的卡片或人脸登记问题。"


class LivenessTimeoutError(FaceError):
    code = "E410"
    message_zh = "活体检测超时：未按提示眨眼或转头"
    message_en = "liveness check timed out: the prompted blink or head turn was not seen"
    action = "Look at the camera and do what the screen asks (blink, or turn your head)."
    action_zh = "请看着摄像头，按屏幕提示操作（请眨眼，或转头）。"


class StillImageError(FaceError):
    """The frames do not change at all: a photo or a replayed frame, not a person."""

    code = "E411"
    message_zh = "检测到静止画面，请本人面对摄像头"
    message_en = "the picture does not move: a live person must face the camera"
    action = "Stand in front of the camera yourself; photos and screens are refused."
    action_zh = "请本人站在摄像头前；照片和屏幕画面将被拒绝。"


class FaceNotSeenTimeoutError(FaceError):
    code = "E412"
    message_zh = "超时未检测到人脸，请正对摄像头"
    message_en = "no face seen before the time limit: please look at the camera"
    action = "Stand in front of the camera, face it, and try again."
    action_zh = "请站在摄像头前，正对摄像头，然后重试。"


class FaceChangedError(FaceError):
    """The face at the end of the liveness check is not the one at its start."""

    code = "E413"
    message_zh = "检测过程中人脸发生变化"
    message_en = "the face changed during the liveness check"
    action = "Stay in front of the camera yourself for the whole check; try again."
    action_zh = "请在整个检测过程中由本人始终面对摄像头，然后重试。"


class FaceNotEnrolledError(FaceError):
    """1191 answered infcode -2: no enrolled face is close enough to this one."""

    code = "E430"
    message_zh = "未找到匹配的登记人脸"
    message_en = "no enrolled face matches"
    action = "Use your social security card, ID card or e-voucher QR code instead."
    action_zh = "请改用社保卡、身份证或医保电子凭证二维码。"


class FaceAuthorisationError(FaceError):
    """1191 gave an authorisation that 1101 would not accept (expired or already used)."""

    code = "E431"
    message_zh = "刷脸授权失效"
    message_en = "the face authorisation is no longer valid"
    action = "Start the face check again."
    action_zh = "请重新进行刷脸。"
