"""The calling screen's voice: the platform's own speech, offline, never on the UI thread's time.

``Speaker`` is what the calling screen talks to: ``say(text, repeat=, volume=)`` queues the words
and returns at once; ``available`` and ``reason`` tell whether a voice was found and, if not, why
(the admin's Settings tab shows it). The engines:

- Linux: ``espeak-ng`` (Debian package espeak-ng) with its Mandarin voice ``cmn``, run as a
  subprocess through QProcess (the event loop is never blocked; one utterance at a time).
- Windows: the system's own speech (System.Speech, SAPI) through PowerShell, choosing an installed
  zh-CN voice (Chinese Windows ships one: Huihui); the words go in an environment variable, never in
  the command line. Not run on the project's Linux machines.
- Otherwise, or when no Mandarin voice is found: no voice; the screen still shows every call.

Qt's own QtTextToSpeech is in PySide6-Addons, not in the PySide6-Essentials wheel the program
uses, so it is not used here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import deque
from pathlib import Path

from ui.qt import QCoreApplication, QObject, QProcess, QProcessEnvironment

VOICES = {"zh": "cmn", "en": "en"}  # espeak-ng's voice for the screen's language
ESPEAK_RATE = 150  # words a minute (espeak-ng's default is 175): calls are said slowly
_WINDOWS_SCRIPT = (
    "Add-Type -AssemblyName System.Speech;"
    "$s = New-Object System.Speech.Synthesis.SpeechSynthesizer;"
    "$v = $s.GetInstalledVoices() | Where-Object { $_.Enabled -and "
    "$_.VoiceInfo.Culture.Name -like $env:STATION_SAY_CULTURE } | Select-Object -First 1;"
    "if ($v) { $s.SelectVoice($v.VoiceInfo.Name) };"
    "$s.Volume = [int]$env:STATION_SAY_VOLUME; $s.Rate = -2;"
    "$s.Speak($env:STATION_SAY_TEXT)"
)


class Speaker(QObject):
    """No voice: the base and the fallback. ``reason`` says why there is none."""

    name = ""

    def __init__(self, reason: str = "", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.reason = reason

    @property
    def available(self) -> bool:
        return False

    def say(self, text: str, *, repeat: int = 1, volume: int = 100) -> None:
        """Queue ``text`` to be spoken ``repeat`` times at ``volume`` (0-100); returns at once."""

    def stop(self) -> None:
        """Forget what is queued and stop speaking."""

    def busy(self) -> bool:
        return False


class CommandSpeaker(Speaker):
    """Speaks by running a program once per utterance (QProcess: asynchronous), one at a time."""

    def __init__(self, program: str, parent: QObject | None = None) -> None:
        super().__init__("", parent)
        self.program = program
        self.queue: deque[tuple[list[str], dict[str, str]]] = deque()
        self.process: QProcess | None = None
        self.spoken = 0  # utterances finished (tests, the sample script)

    @property
    def available(self) -> bool:
        return True

    def command(self, text: str, volume: int) -> tuple[list[str], dict[str, str]]:
        raise NotImplementedError

    def say(self, text: str, *, repeat: int = 1, volume: int = 100) -> None:
        volume = max(0, min(100, int(volume)))
        if not text or volume == 0:
            return
        for _ in range(max(1, int(repeat))):
            self.queue.append(self.command(text, volume))
        self._next()

    def _next(self) -> None:
        if self.process is not None or not self.queue:
            return
        args, env = self.queue.popleft()
        process = QProcess(self)
        if env:
            environment = QProcessEnvironment.systemEnvironment()
            for key, value in env.items():
                environment.insert(key, value)
            process.setProcessEnvironment(environment)
        process.setProcessChannelMode(QProcess.ProcessChannelMode.MergedChannels)
        process.setStandardOutputFile(QProcess.nullDevice())  # (no sound card: ALSA's complaints)
        process.finished.connect(self._finished)
        process.errorOccurred.connect(self._failed)
        self.process = process
        process.start(self.program, args)

    def _finished(self, *_args) -> None:
        self.spoken += 1
        self._done()

    def _failed(self, error) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            self.reason = QCoreApplication.translate("Speaker", "the speech program could not be started")
            self._done()

    def _done(self) -> None:
        if self.process is not None:
            self.process.deleteLater()
            self.process = None
        self._next()

    def busy(self) -> bool:
        return self.process is not None or bool(self.queue)

    def stop(self) -> None:
        self.queue.clear()
        if self.process is not None:
            process, self.process = self.process, None
            process.finished.disconnect(self._finished)
            process.kill()
            process.waitForFinished(1000)
            process.deleteLater()


class EspeakSpeaker(CommandSpeaker):
    name = "espeak-ng"

    def __init__(
        self, program: str, voice: str, parent: QObject | None = None, *, wav_dir: Path | None = None
    ) -> None:
        super().__init__(program, parent)
        self.voice = voice
        self.wav_dir = (
            wav_dir  # each utterance written to call-N.wav there instead of played (tests, samples)
        )
        self.wavs: list[Path] = []

    def command(self, text: str, volume: int) -> tuple[list[str], dict[str, str]]:
        # espeak-ng's amplitude runs 0-200 (100 its normal level); 100% here is 150: louder than normal
        # for a hall, its peaks already at full scale (scripts/voice_sample.py prints RMS and peak)
        amplitude = round(volume * 1.5)
        args = ["-v", self.voice, "-s", str(ESPEAK_RATE), "-a", str(amplitude)]
        if self.wav_dir is not None:
            self.wavs.append(self.wav_dir / f"call-{len(self.wavs) + 1}.wav")
            args += ["-w", str(self.wavs[-1])]
        return [*args, "--", text], {}


class WindowsSpeaker(CommandSpeaker):
    name = "Windows"

    def __init__(self, program: str, culture: str, parent: QObject | None = None) -> None:
        super().__init__(program, parent)
        self.culture = culture

    def command(self, text: str, volume: int) -> tuple[list[str], dict[str, str]]:
        env = {
            "STATION_SAY_TEXT": text,
            "STATION_SAY_VOLUME": str(volume),
            "STATION_SAY_CULTURE": self.culture,
        }
        return ["-NoProfile", "-NonInteractive", "-Command", _WINDOWS_SCRIPT], env


def espeak_voices(program: str, voice: str) -> bool:
    """Whether espeak-ng has ``voice`` (a quick listing, well under a second)."""
    try:
        out = subprocess.run(
            [program, f"--voices={voice}"], capture_output=True, text=True, timeout=5, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return any(line.split()[1:2] == [voice] for line in out.splitlines()[1:] if line.split())


def make_speaker(lang: str = "zh", parent: QObject | None = None) -> Speaker:
    """The voice of this computer for ``lang`` ("zh": Mandarin), or a Speaker saying why there is none.
    ``STATION_VOICE=off`` turns the voice off (a quiet test machine, a trainer's laptop)."""
    lang = "en" if lang.startswith("en") else "zh"
    if os.environ.get("STATION_VOICE", "").lower() in ("off", "0", "none"):
        return Speaker(QCoreApplication.translate("Speaker", "turned off (STATION_VOICE=off)"), parent)
    if sys.platform == "win32":
        shell = shutil.which("powershell") or shutil.which("pwsh")
        if shell:
            return WindowsSpeaker(shell, "zh*" if lang == "zh" else "en*", parent)
        return Speaker(QCoreApplication.translate("Speaker", "Windows PowerShell was not found"), parent)
    program = shutil.which("espeak-ng")
    if not program:
        return Speaker(
            QCoreApplication.translate("Speaker", "espeak-ng is not installed (apt-get install espeak-ng)"),
            parent,
        )
    voice = VOICES[lang]
    if not espeak_voices(program, voice):
        return Speaker(
            QCoreApplication.translate("Speaker", "espeak-ng has no Mandarin voice (cmn)")
            if lang == "zh"
            else QCoreApplication.translate("Speaker", "espeak-ng has no English voice"),
            parent,
        )
    return EspeakSpeaker(program, voice, parent)


_STATUS: dict[str, tuple[bool, str]] = {}


def voice_status(lang: str = "zh") -> tuple[bool, str]:
    """(available, the engine or the reason there is none), found once per run (the Settings tab)."""
    if lang not in _STATUS:
        speaker = make_speaker(lang)
        _STATUS[lang] = (speaker.available, speaker.name if speaker.available else speaker.reason)
        speaker.deleteLater()
    return _STATUS[lang]
