"""What the generated scenarios share (bench/make_reference.py, bench/make_catalogue.py): the
horizon of `days` days from `start`, dates within it by offset, and the header lines (standard
library only)."""
import datetime


class ScenarioText:
    """The lines of a generated scenario, written in order and printed once."""

    def __init__(self, start, days):
        self.start = start
        self.days = days
        self.end = start + datetime.timedelta(days=days - 1)
        self.lines = []

    def w(self, line):
        self.lines.append(line)

    def day(self, offset):
        """The ISO date `offset` days after the start, kept within the horizon."""
        return (self.start + datetime.timedelta(days=min(offset, self.days - 1))).isoformat()

    def header(self, comment, name, step, scenarios, seed, today=False):
        """The file's comment, version, name, horizon, `today` (the start) if asked, simulation."""
        self.w(f"# {comment}")
        self.w("tandem: 1")
        self.w(f"name: {name}")
        self.w(f"horizon: {{start: {self.start.isoformat()}, end: {self.end.isoformat()}}}")
        if today:
            self.w(f"today: {self.start.isoformat()}")
        self.w(f"simulation: {{step: {step}, scenarios: {scenarios}, seed: {seed}, confidence: 0.9}}")

    def print(self):
        print("\n".join(self.lines))
