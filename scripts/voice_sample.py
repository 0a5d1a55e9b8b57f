"""Write a sample of the calling screen's voice to a WAV file and prove it is speech, not silence.

    .venv/bin/python scripts/voice_sample.py [--number A023] [--desk 3] [--volume 80] [--out FILE]

Uses the real engine the screen uses on Linux (espeak-ng, its Mandarin voice cmn, through
ui/speech.py with QProcess), writes what a call says ("请A零二三号到3号接种台") and prints the file's
duration, RMS level and peak. Exit 1 when there is no voice (and why).
"""

from __future__ import annotations

import argparse
import array
import math
import os
import sys
import wave
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from station.calls import spoken_call  # noqa: E402


def measure(path: Path) -> tuple[float, float, int]:
    """(seconds, RMS level, peak) of a 16-bit WAV file."""
    with wave.open(str(path)) as w:
        samples = array.array("h", w.readframes(w.getnframes()))
        seconds = w.getnframes() / w.getframerate()
    rms = math.sqrt(sum(x * x for x in samples) / len(samples)) if samples else 0.0
    return seconds, rms, max((abs(x) for x in samples), default=0)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--number", default="A023")
    parser.add_argument("--desk", default="3")
    parser.add_argument("--volume", type=int, default=80)
    parser.add_argument("--out", type=Path, default=Path("call_sample.wav"))
    args = parser.parse_args()

    from ui.qt import QCoreApplication, QTimer
    from ui.speech import EspeakSpeaker, make_speaker

    app = QCoreApplication.instance() or QCoreApplication([])
    found = make_speaker("zh")
    if not isinstance(found, EspeakSpeaker):
        print(f"no voice: {found.reason or found.name}", file=sys.stderr)
        return 1
    out = args.out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    speaker = EspeakSpeaker(found.program, found.voice, wav_dir=out.parent)
    text = spoken_call(args.number, args.desk, "zh")
    speaker.say(text, volume=args.volume)
    poll = QTimer()
    poll.timeout.connect(lambda: None if speaker.busy() else app.quit())
    poll.start(50)
    QTimer.singleShot(30_000, app.quit)
    app.exec()  # the event loop runs while espeak-ng speaks (say() returned at once)
    if speaker.busy() or not speaker.wavs or not speaker.wavs[0].exists():
        print("the voice wrote nothing", file=sys.stderr)
        return 1
    speaker.wavs[0].replace(out)
    seconds, rms, peak = measure(out)
    print(f"{out}: {text!r} by espeak-ng ({found.voice}), volume {args.volume}")
    print(f"duration {seconds:.2f} s, RMS {rms:.0f}, peak {peak} (of 32767)")
    return 0 if seconds > 1 and rms > 100 else 1


if __name__ == "__main__":
    sys.exit(main())
