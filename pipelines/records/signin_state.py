"""Failed sign-ins, counted exactly under concurrent tries: data/signin_state.json behind a file lock.

Two counters per try (issue 20, item 2):
  the account name *from this address* — after `failures_before_lockout` failures in a row that address
  waits before it may try the name again (doubling up to `max_lockout_seconds`). Another address is not
  held back, so an attacker who knows the only 管理 account's name cannot keep it locked for its owner;
  the address alone — after `address_failures_before_lockout` failures on any names it waits too, so one
  address cannot spray guesses over many names.
A check is reserved before the password is hashed (`begin`), and the reservations in flight count
against the limit: eight simultaneous tries with a limit of 3 check three passwords, never six. Counts
decay by one every `failure_decay_seconds` after the last failure; a success clears the name's count.

The state is read and written only while holding `<file>.lock` (filelock: threads of the app and other
processes such as `user unlock` alike), written to a temporary file of its own and swapped in with
os.replace. It is bounded (config.MAX_SIGNIN_ENTRIES): entries that have decayed go first, then the oldest
unlocked ones; a locked entry or one with a check in flight is never dropped (when nothing can be dropped,
a new name or address is refused until some lock has passed).
"""

import json
import math
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock

from ..core import config

STATE_FILE = "signin_state.json"
# A reservation older than this belongs to a check that died with its process: it no longer counts.


def name_key(name: str, address: str) -> str:
    return f"n:{name}@{address}"


def address_key(address: str) -> str:
    return f"a:{address}"


@dataclass
class Attempt:
    """A reserved check: the keys it counts against and the reservation's time."""

    name: str
    address: str
    stamp: float
    keys: list[str] = field(default_factory=list)


@dataclass
class Refusal:
    """No check now: wait (seconds, 0 when not known) and why ('locked', 'busy')."""

    wait: int
    reason: str


class SignInGuard:
    """Failed sign-ins per account name and address, shared by every session and process."""

    def __init__(self, path: Path | None = None, settings: dict | None = None, clock=time.time):
        from .accounts import DEFAULT_SETTINGS, accounts_path

        self.path = Path(path) if path else accounts_path().with_name(STATE_FILE)
        self.settings = {**DEFAULT_SETTINGS, **(settings or {})}
        self.clock = clock
        self.lock = FileLock(str(self.path) + ".lock", timeout=config.SIGNIN_LOCK_WAIT_SECONDS)

    # Reading and writing, always under self.lock.

    def _load(self) -> dict:
        try:
            state = json.loads(self.path.read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError, UnicodeDecodeError):
            return {}
        entries = state.get("entries") if isinstance(state, dict) else None
        return entries if isinstance(entries, dict) else {}  # an older layout (one count per name) starts afresh

    def _save(self, entries: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".partial")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump({"version": 2, "entries": entries}, out, ensure_ascii=False)
            os.chmod(temporary, 0o600)
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    # The rules.

    def _threshold(self, key: str) -> int:
        return int(self.settings["address_failures_before_lockout" if key.startswith("a:") else "failures_before_lockout"])

    def _decayed(self, entry: dict, now: float) -> dict:
        """The entry as it stands now: old reservations dropped, the count reduced by the time since the last failure."""
        pending = [t for t in entry.get("pending", []) if now - t < config.SIGNIN_STALE_RESERVATION_SECONDS]
        failures = int(entry.get("failures", 0))
        decay = float(self.settings["failure_decay_seconds"])
        since = max(0.0, now - max(float(entry.get("last", 0)), float(entry.get("locked_until", 0))))
        if failures and decay > 0:
            failures = max(0, failures - math.floor(since / decay))
        return {**entry, "failures": failures, "pending": pending}

    @staticmethod
    def _idle(entry: dict, now: float) -> bool:
        return not entry["failures"] and not entry["pending"] and entry.get("locked_until", 0) <= now

    def _tidy(self, entries: dict, now: float, room_for: int = 0) -> bool:
        """Decay every entry, drop the idle ones and, if still over the bound, the oldest unlocked ones.
        False when room_for more entries do not fit without dropping a lock or a check in flight."""
        for key in list(entries):
            entries[key] = self._decayed(entries[key], now)
            if self._idle(entries[key], now):
                del entries[key]
        excess = len(entries) + room_for - config.MAX_SIGNIN_ENTRIES
        if excess <= 0:
            return True
        droppable = sorted((e.get("last", 0), k) for k, e in entries.items()
                           if e.get("locked_until", 0) <= now and not e["pending"])
        for _, key in droppable[:excess]:
            del entries[key]
        return len(entries) + room_for <= config.MAX_SIGNIN_ENTRIES

    def _wait(self, entry: dict, now: float) -> int:
        return max(0, math.ceil(entry.get("locked_until", 0) - now))

    # What sign-in calls.

    def begin(self, name: str, address: str) -> Attempt | Refusal:
        """Reserve one password check for name from address, or say why not now."""
        now = self.clock()
        keys = [address_key(address), name_key(name, address)]
        with self.lock:
            entries = self._load()
            fits = self._tidy(entries, now, room_for=sum(k not in entries for k in keys))
            for key in keys:  # the address first: a locked address creates no entry for a new name
                entry = entries.get(key)
                if entry is None:
                    continue
                if wait := self._wait(entry, now):
                    return Refusal(wait, "locked")
                # Checks in flight count as failures until they end; once a lock has passed, one try at a time.
                if entry["failures"] + len(entry["pending"]) >= max(self._threshold(key), entry["failures"] + 1):
                    return Refusal(0, "busy")
            if not fits:
                return Refusal(0, "busy")
            for key in keys:
                entry = entries.setdefault(key, {"failures": 0, "last": 0, "locked_until": 0, "pending": []})
                entry["pending"].append(now)
            self._save(entries)
        return Attempt(name, address, now, keys)

    def finish(self, attempt: Attempt, succeeded: bool) -> int:
        """Record the checked password's outcome; the wait it now imposes on this name and address (0: none)."""
        now = self.clock()
        wait = 0
        with self.lock:
            entries = self._load()
            for key in attempt.keys:
                entry = self._decayed(entries.get(key, {"failures": 0, "last": 0, "locked_until": 0, "pending": []}), now)
                if attempt.stamp in entry["pending"]:
                    entry["pending"].remove(attempt.stamp)
                if succeeded and key.startswith("n:"):
                    entry["failures"], entry["locked_until"] = 0, 0
                elif not succeeded:
                    entry["failures"] += 1
                    entry["last"] = now
                    over = entry["failures"] - self._threshold(key)
                    if over >= 0:
                        lockout = min(float(self.settings["first_lockout_seconds"]) * 2**over,
                                      float(self.settings["max_lockout_seconds"]))
                        entry["locked_until"] = now + lockout
                        wait = max(wait, math.ceil(lockout))
                entries[key] = entry
            self._tidy(entries, now)
            self._save(entries)
        return wait

    def cancel(self, attempt: Attempt) -> None:
        """Give a reservation back unchecked (no slot for the password check): it counts neither way."""
        with self.lock:
            entries = self._load()
            for key in attempt.keys:
                if key in entries and attempt.stamp in entries[key].get("pending", []):
                    entries[key]["pending"].remove(attempt.stamp)
            self._tidy(entries, self.clock())
            self._save(entries)

    def wait_seconds(self, name: str, address: str = "-") -> int:
        """How long this name must wait before its next try from address (0: may try now)."""
        now = self.clock()
        with self.lock:
            entries = self._load()
        return max((self._wait(entries[k], now) for k in (address_key(address), name_key(name, address)) if k in entries),
                   default=0)

    def failed(self, name: str, address: str = "-") -> int:
        """Count one failure at once (no check in flight); the wait it imposes."""
        attempt = self.begin(name, address)
        if isinstance(attempt, Refusal):
            attempt = Attempt(name, address, -1.0, [address_key(address), name_key(name, address)])
        return self.finish(attempt, False)

    def succeeded(self, name: str, address: str = "-") -> None:
        self.finish(Attempt(name, address, -1.0, [name_key(name, address)]), True)

    # What an operator calls.

    def unlock(self, name: str) -> int:
        """Lift every lock and count on name (from every address); how many addresses were held back."""
        now = self.clock()
        with self.lock:
            entries = self._load()
            mine = [k for k in entries if k.startswith(f"n:{name}@")]
            held = sum(1 for k in mine if self._wait(entries[k], now))
            for key in mine:
                del entries[key]
            self._tidy(entries, now)
            self._save(entries)
        return held

    def locks(self, name: str) -> dict[str, int]:
        """The addresses that must wait before trying name again, with their seconds."""
        now = self.clock()
        with self.lock:
            entries = self._load()
        prefix = f"n:{name}@"
        return {k[len(prefix):]: w for k, e in entries.items() if k.startswith(prefix) and (w := self._wait(e, now))}
