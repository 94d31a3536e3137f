"""Translations at run time through Qt Linguist.

The screens are written in Simplified Chinese (the source language, what a patient sees by
default); `medterm_en.ts` in this folder holds the English, and the install step
(packaging/devenv.sh, through `build`) compiles it with `pyside6-lrelease` into the `.qm` file
that Qt loads. Switching language installs the other translator; Qt then sends every widget a
LanguageChange event and each page re-reads its strings (`retranslate`).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTranslator

from kernel.errors import ConfigError

HERE = Path(__file__).resolve().parent


class Language(StrEnum):
    ZH_CN = "zh_CN"  # the source language: no translator needed
    EN = "en"


class TranslationMissingError(ConfigError):
    code = "E900"
    message_zh = "界面翻译文件缺失"
    message_en = "the screens' translation file is missing or unreadable"
    action = "Run the install step (packaging/devenv.sh), which builds the .qm files."
    action_zh = "请运行安装步骤(packaging/devenv.sh),它会生成 .qm 翻译文件。"


def ts_path(language: Language) -> Path:
    return HERE / f"medterm_{language.value}.ts"


def qm_path(language: Language) -> Path:
    return HERE / f"medterm_{language.value}.qm"


def lrelease() -> str:
    """The lrelease of the PySide6 wheel in this interpreter's environment."""
    beside = Path(sys.executable).with_name("pyside6-lrelease")
    return str(beside) if beside.exists() else (shutil.which("pyside6-lrelease") or "")


def build() -> list[Path]:
    """Compile every `.ts` here into its `.qm`; raises when lrelease fails (the install must
    fail rather than ship a kiosk that silently stays in Chinese)."""
    tool = lrelease()
    if not tool:
        raise TranslationMissingError("pyside6-lrelease not found: is PySide6 installed?")
    built = []
    for language in Language:
        if language is Language.ZH_CN:
            continue
        source, target = ts_path(language), qm_path(language)
        result = subprocess.run(
            [tool, str(source), "-qm", str(target)], capture_output=True, text=True
        )
        if result.returncode != 0 or not target.exists():
            raise TranslationMissingError(f"lrelease {source.name}: {result.stderr.strip()}")
        built.append(target)
    return built


class Translations:
    """The one translator of the application; `switch` replaces it."""

    def __init__(self, app: QCoreApplication) -> None:
        self._app = app
        self._translator: QTranslator | None = None
        self.language = Language.ZH_CN

    def switch(self, language: Language) -> None:
        if self._translator is not None:
            self._app.removeTranslator(self._translator)
            self._translator = None
        if language is not Language.ZH_CN:
            translator = QTranslator(self._app)
            if not translator.load(str(qm_path(language))):
                raise TranslationMissingError(f"cannot load {qm_path(language)}")
            self._app.installTranslator(translator)
            self._translator = translator
        self.language = language
