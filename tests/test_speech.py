"""The calling screen's voice (ui/speech.py): the words queued as said, the real espeak-ng engine writing
Mandarin speech that is not silence, the repeat count and volume, and a missing voice handled (a
Speaker that says why, and the admin's Settings tab showing it)."""

from __future__ import annotations

import array
import math
import shutil
import wave
from pathlib import Path

import pytest

from ui.speech import Speaker


class RecordingSpeaker(Speaker):
    """A voice that writes down what it was asked to say: (text, repeat, volume)."""

    name = "recording"

    def __init__(self) -> None:
        super().__init__("")
        self.said: list[tuple[str, int, int]] = []

    @property
    def available(self) -> bool:
        return True

    def say(self, text: str, *, repeat: int = 1, volume: int = 100) -> None:
        self.said.append((text, repeat, volume))


def rms(path: Path) -> tuple[float, int]:
    """(seconds, RMS level) of a 16-bit WAV file."""
    with wave.open(str(path)) as w:
        assert w.getsampwidth() == 2
        samples = array.array("h", w.readframes(w.getnframes()))
        level = math.sqrt(sum(x * x for x in samples) / len(samples)) if samples else 0.0
        return w.getnframes() / w.getframerate(), round(level)


needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed")


@needs_espeak
def test_the_real_voice_speaks_a_call_in_mandarin_each_time_asked(station_qapp, qtbot, tmp_path, monkeypatch):
    from station.calls import spoken_call
    from ui import speech

    monkeypatch.delenv("STATION_VOICE", raising=False)
    found = speech.make_speaker("zh")
    assert found.available and isinstance(found, speech.EspeakSpeaker) and found.voice == "cmn"
    speaker = speech.EspeakSpeaker(found.program, "cmn", wav_dir=tmp_path)
    speaker.say(spoken_call("A023", "3"), repeat=2, volume=80)
    assert speaker.busy()  # queued and started: say() did not wait for the words
    qtbot.waitUntil(lambda: not speaker.busy(), timeout=20_000)
    assert speaker.spoken == 2 and [p.name for p in speaker.wavs] == ["call-1.wav", "call-2.wav"]
    seconds, level = rms(speaker.wavs[0])
    assert seconds > 1.5 and level > 300  # a sentence, not silence


@needs_espeak
def test_volume_sets_the_loudness_and_zero_is_silent(station_qapp, qtbot, tmp_path):
    from ui import speech

    program = shutil.which("espeak-ng")
    quiet, loud = (speech.EspeakSpeaker(program, "cmn", wav_dir=tmp_path / d) for d in ("q", "l"))
    for d in ("q", "l"):
        (tmp_path / d).mkdir()
    quiet.say("请A零零一号到1号接种台", volume=20)
    loud.say("请A零零一号到1号接种台", volume=100)
    silent = speech.EspeakSpeaker(program, "cmn", wav_dir=tmp_path)
    silent.say("请A零零一号到1号接种台", volume=0)
    assert not silent.busy() and silent.wavs == []
    qtbot.waitUntil(lambda: not quiet.busy() and not loud.busy(), timeout=20_000)
    assert rms(quiet.wavs[0])[1] * 2 < rms(loud.wavs[0])[1]


def test_no_espeak_means_no_voice_and_a_reason(station_qapp, monkeypatch):
    from ui import speech

    monkeypatch.delenv("STATION_VOICE", raising=False)
    monkeypatch.setattr(speech.sys, "platform", "linux")
    monkeypatch.setattr(speech.shutil, "which", lambda name: None)
    speaker = speech.make_speaker("zh")
    assert not speaker.available and "espeak-ng" in speaker.reason
    speaker.say("请A零零一号到1号接种台")  # nothing happens, nothing fails
    assert not speaker.busy()


def test_espeak_without_a_mandarin_voice_is_no_voice(station_qapp, monkeypatch):
    from ui import speech

    monkeypatch.delenv("STATION_VOICE", raising=False)
    monkeypatch.setattr(speech.sys, "platform", "linux")
    monkeypatch.setattr(speech.shutil, "which", lambda name: "/usr/bin/espeak-ng")
    monkeypatch.setattr(speech, "espeak_voices", lambda program, voice: False)
    speaker = speech.make_speaker("zh")
    assert not speaker.available and "cmn" in speaker.reason


def test_a_speech_program_that_will_not_start_is_reported(station_qapp, qtbot, tmp_path):
    from ui import speech

    speaker = speech.EspeakSpeaker(str(tmp_path / "no-such-program"), "cmn")
    speaker.say("请A零零一号到1号接种台", repeat=2)
    qtbot.waitUntil(lambda: not speaker.busy(), timeout=5000)
    assert speaker.spoken == 0 and speaker.reason  # no exception reached the screen


def test_windows_words_go_in_the_environment_not_the_command_line(station_qapp):
    from ui import speech

    speaker = speech.WindowsSpeaker("powershell", "zh*")
    args, env = speaker.command('请A零零一号到1号接种台"; Remove-Item x', 70)
    assert all("Remove-Item" not in a for a in args)
    assert env["STATION_SAY_TEXT"].endswith("Remove-Item x") and env["STATION_SAY_VOLUME"] == "70"


def test_the_settings_tab_says_when_there_is_no_voice(make_hub, qtbot, monkeypatch):
    from ui import speech
    from ui.pages.settings_page import SettingsPanel
    from ui.widgets import Banner

    monkeypatch.setattr(speech, "_STATUS", {"zh": (False, "未安装 espeak-ng")})
    panel = SettingsPanel(make_hub("admin1", ("admin",)), Banner(), lambda: None)
    qtbot.addWidget(panel)
    assert panel.voice_line.text() == "叫号语音不可用：未安装 espeak-ng"
    monkeypatch.setattr(speech, "_STATUS", {"zh": (True, "espeak-ng")})
    panel.load()
    assert panel.voice_line.text() == "叫号语音：espeak-ng"


def test_call_volume_and_repeat_are_settings_checked_as_typed(make_hub, qtbot, tmp_path):
    from station.errors import DomainError
    from station.settings import Settings, check_setting
    from ui.pages.settings_page import SettingsPanel
    from ui.widgets import Banner

    assert check_setting("call_volume", "0") == 0 and check_setting("call_repeat", "3") == 3
    for name, bad in (("call_volume", "101"), ("call_repeat", "0"), ("call_repeat", "x")):
        with pytest.raises(DomainError):
            check_setting(name, bad)
    (tmp_path / "settings.json").write_text('{"call_volume": 500, "call_repeat": 3}', encoding="utf-8")
    loaded = Settings.load(tmp_path)
    assert loaded.call_volume == 80 and loaded.call_repeat == 3  # out of range: the default

    hub = make_hub("admin1", ("admin",))
    panel = SettingsPanel(hub, Banner(), lambda: None)
    qtbot.addWidget(panel)
    panel.fields["call_repeat"].setText("9")
    assert "1 到 5" in panel.reasons["call_repeat"].text() and not panel.save_button.isEnabled()
    panel.fields["call_repeat"].setText("3")
    panel.fields["call_volume"].setText("60")
    panel.save()
    assert (hub.settings.call_repeat, hub.settings.call_volume) == (3, 60)
