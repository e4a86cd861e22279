"""Speakers in the job store: who said each segment, the names a person gave, the
voices Earmark remembers (people) and the undo of every speaker edit.

A job's speakers have keys "1", "2", … (in the order they first speak); a segment's
``speaker`` is one of them. A speaker's label is its name, else "Speaker N". Naming a
speaker keeps their voice print as a person; the next recording's speakers are matched
against everyone kept (cosine similarity of voice prints, at least ``speaker_match``).
Only a speaker with MIN_MATCH_SECONDS of speech is matched or remembered by voice: on
real meetings a print from less told different people apart too poorly (a wrong name is
worse than "Speaker 2"; bench/bench_speakers.py). Forgetting a person deletes every voice
print of theirs."""

from __future__ import annotations

import json
import time

from workers.options import default

PRINT_NUMBERS = 192  # a voice print of the speaker model now (CAM++; GE2E's had 256)
# AMI with CAM++: speakers with 8 s or more, different people at most 0.18 alike (same person 0.72); with any
# length different people reached 0.53 (GE2E: 0.91 against 0.92 for the same person)
MIN_MATCH_SECONDS = 8.0
LABEL_SQL = "COALESCE(sp.name, 'Speaker ' || sp.key)"  # a speaker's label: its name, else "Speaker N"


def _blob(vector) -> bytes | None:
    if vector is None:
        return None
    import numpy as np  # here, not at the top: every command opens the store, few touch a voice

    v = np.asarray(vector, np.float32)
    return (v / (np.linalg.norm(v) + 1e-9)).astype(np.float32).tobytes()


def _vector(blob: bytes | None):
    if blob is None:
        return None
    import numpy as np

    return np.frombuffer(blob, np.float32)


def _turns_text(turns: list | None) -> str | None:
    """One speaker's turns as stored: in time order, those that touch or overlap joined
    (a merge of two speakers who talked at once is one stretch of that person)."""
    if not turns:
        return None
    joined: list[list[float]] = []
    for start, end in sorted(turns):
        if joined and start <= joined[-1][1]:
            joined[-1][1] = max(joined[-1][1], end)
        else:
            joined.append([start, end])
    return json.dumps(joined)


def _note_on_transcript(db, job_id: str, notes: list[str], noted: dict) -> None:
    """What the speaker stage says of the transcript (voices heard where no words were) goes with
    the transcript's own notes, which the job's row and the command line show (and its ``noted``,
    the catalogue's key and values of each, with theirs); the stage's earlier notes (found
    again) are replaced."""
    row = db.execute("SELECT result FROM transcripts WHERE job_id=?", (job_id,)).fetchone()
    if row is None:
        return
    result = json.loads(row["result"])
    earlier = result.pop("speaker_notes", [])
    if not notes and not earlier:
        return
    result["notes"] = [n for n in result.get("notes") or [] if n not in earlier] + notes
    result.update({"speaker_notes": notes} if notes else {})
    kept = {text: said for text, said in (result.get("noted") or {}).items() if text not in earlier}
    result["noted"] = {**kept, **{text: said for text, said in noted.items() if text in notes}}
    for key in ("notes", "noted"):
        if not result[key]:
            del result[key]
    db.execute("UPDATE transcripts SET result=? WHERE job_id=?", (json.dumps(result), job_id))


def _words_of(text: str) -> str:
    """Text without its spaces: pieces cut between words join back to their segment's text
    whichever side of a cut a space fell ("what" + "'s")."""
    return "".join((text or "").split())


def kept_edits(pieces: list[dict], now: dict) -> list[dict]:
    """The speaker stage's segments, save where a person edited a line while the stage ran
    (it was sent the words as they were): that line stays whole, with the person's words
    and the speaker who holds most of it (its pieces' words are no longer what it says).
    *now*: each segment's index → its row as stored now (text, and the recogniser's words)."""
    sources: dict = {}
    for piece in pieces:
        sources.setdefault(piece.get("source"), []).append(piece)
    out = []
    for piece in pieces:
        source, same = piece.get("source"), sources.get(piece.get("source"))
        if source not in now or _words_of(" ".join(p["text"] for p in same)) == _words_of(now[source]["text"]):
            out.append(piece)
        elif piece is same[0]:
            longest = max(same, key=lambda p: p["end"] - p["start"])
            words = json.loads(now[source]["words"]) if now[source].get("words") else None  # as an edit keeps them
            out.append({**piece, "end": same[-1]["end"], "text": now[source]["text"], "words": words,
                        "speaker": longest.get("speaker")})
    return out


def _comparable(a, b) -> bool:
    """Two prints of the same speaker model (GE2E's had 256 numbers, CAM++'s have 192):
    a print kept before the model changed is never compared with or averaged into a new one."""
    return a is not None and b is not None and len(a) == len(b)


class SpeakerStore:
    """Mixed into ``app.store.jobstore.JobStore`` (needs its ``transaction``, ``_q``, ``_one`` and
    ``refresh_notes``: notes name the speakers, so every change of speakers refreshes them)."""

    # --- the speaker stage's result --------------------------------------------------
    def save_speakers(self, job_id: str, result: dict, threshold: float | None = None) -> None:
        """The segments cut at turns, each with its speaker; the speakers with their voice
        prints, named when a remembered person's voice is theirs."""
        threshold = threshold if threshold is not None else result.get("threshold", default("speaker_match"))
        with self.transaction() as db:  # (read inside: an edit saved meanwhile is seen, or waits)
            old = {r["idx"]: dict(r) for r in db.execute("SELECT idx, text, original_text, words, confidence "
                                                          "FROM segments WHERE job_id=?", (job_id,))}
            heard = self.heard_words(job_id)  # the stage's notes say no words were heard: not of lines a person emptied
            result = {**result, "segments": kept_edits(result["segments"], old)}
            pieces: dict = {}
            for seg in result["segments"]:
                pieces[seg.get("source")] = pieces.get(seg.get("source"), 0) + 1
            people = [(r["id"], r["name"], _vector(r["print"]))
                      for r in db.execute("SELECT id, name, print FROM people WHERE print IS NOT NULL")]
            matches = _match(result["speakers"], people, threshold)
            turns: dict = {}
            for start, end, key in result.get("turns") or ():
                turns.setdefault(str(key), []).append([round(start, 3), round(end, 3)])
            db.execute("DELETE FROM speakers WHERE job_id=?", (job_id,))
            db.execute("DELETE FROM speaker_edits WHERE job_id=?", (job_id,))
            for sp in result["speakers"]:
                person = matches.get(sp["key"])
                db.execute("INSERT INTO speakers (job_id, key, name, person_id, confidence, seconds, print, turns) "
                           "VALUES (?,?,?,?,?,?,?,?)",
                           (job_id, sp["key"], person and person[1], person and person[0],
                            person and round(person[2], 3), sp.get("seconds"), _blob(sp.get("print")),
                            _turns_text(turns.get(sp["key"]))))
            # a translation made before (speakers found later) follows its segments: each
            # translated segment stays with the first piece of its source segment
            first_piece: dict = {}
            for i, seg in enumerate(result["segments"]):
                first_piece.setdefault(seg.get("source"), i)
            db.execute("UPDATE translations SET idx = -1 - idx WHERE job_id=?", (job_id,))
            db.executemany("UPDATE translations SET idx=? WHERE job_id=? AND idx=?",
                           [(new, job_id, -1 - old_idx) for old_idx, new in first_piece.items() if old_idx is not None])
            db.execute("DELETE FROM translations WHERE job_id=? AND idx < 0", (job_id,))
            _note_on_transcript(db, job_id, [] if heard else result.get("notes") or [], result.get("noted") or {})
            db.execute("DELETE FROM segments WHERE job_id=?", (job_id,))
            db.executemany(
                "INSERT INTO segments (job_id, idx, start, end, text, original_text, words, speaker, confidence) "
                "VALUES (?,?,?,?,?,?,?,?,?)",
                [(job_id, i, s["start"], s["end"], s["text"],
                  (old.get(s.get("source")) or {}).get("original_text") if pieces.get(s.get("source")) == 1 else None,
                  json.dumps(s["words"]) if s.get("words") else None, s.get("speaker"),
                  (old.get(s.get("source")) or {}).get("confidence"))  # a piece is as sure as its segment was
                 for i, s in enumerate(result["segments"])])
        self.refresh_notes(job_id)

    def describe_speakers(self, job_id: str) -> str:
        found = self.speakers(job_id)
        return f"{len(found)} speaker{'s' if len(found) != 1 else ''}: " + ", ".join(s["label"] for s in found) \
            if found else "no speech"

    def speaker_turns(self, job_id: str, keys: bool = False) -> list[dict]:
        """When each speaker talks, as the audio says, in time order: start, end and the
        speaker's label (and, with *keys*, its key: the window's colour and language). Two at
        once overlap; speech with no words in the transcript is here too. Empty for a job
        whose speakers were found before turns were kept."""
        out = []
        for row in self._q(f"SELECT sp.key, sp.turns, {LABEL_SQL} AS label FROM speakers sp "
                           "WHERE sp.job_id=? AND sp.turns IS NOT NULL", (job_id,)):
            out += [{"start": start, "end": end, "speaker": row["label"], **({"key": row["key"]} if keys else {})}
                    for start, end in json.loads(row["turns"])]
        return sorted(out, key=lambda t: (t["start"], t["end"]))

    def speakers(self, job_id: str) -> list[dict]:
        """A job's speakers in order of first speech: key, label, name, person, confidence
        (when recognised rather than named), speaking time and number of segments."""
        rows = self._q(
            f"SELECT sp.key, sp.name, sp.person_id, sp.confidence, sp.seconds, {LABEL_SQL} AS label, "
            "(SELECT COUNT(*) FROM segments s WHERE s.job_id=sp.job_id AND s.speaker=sp.key) AS segments "
            "FROM speakers sp WHERE sp.job_id=? ORDER BY CAST(sp.key AS INTEGER)", (job_id,))
        return [dict(r) for r in rows]

    # --- edits, each undoable ----------------------------------------------------------
    def _snapshot(self, db, job_id: str, what: str) -> None:
        before = {
            "speakers": [dict(r) | {"print": r["print"].hex() if r["print"] else None}
                         for r in db.execute("SELECT * FROM speakers WHERE job_id=?", (job_id,))],
            "segments": [[r["idx"], r["speaker"]] for r in db.execute(
                "SELECT idx, speaker FROM segments WHERE job_id=?", (job_id,))]}
        db.execute("INSERT INTO speaker_edits (job_id, what, before, at) VALUES (?,?,?,?)",
                   (job_id, what, json.dumps(before), time.time()))

    def rename_speaker(self, job_id: str, key: str, name: str) -> None:
        """Name a speaker in the whole transcript (and its notes), and remember their voice
        as that person."""
        name = name.strip()
        with self.transaction() as db:
            self._snapshot(db, job_id, f"rename {key}")
            if not name:
                db.execute("UPDATE speakers SET name=NULL, person_id=NULL, confidence=NULL "
                           "WHERE job_id=? AND key=?", (job_id, key))
            else:
                row = db.execute("SELECT print, seconds FROM speakers WHERE job_id=? AND key=?",
                                 (job_id, key)).fetchone()
                enough = row is not None and (row["seconds"] is None or row["seconds"] >= MIN_MATCH_SECONDS)
                person_id = self._remember(db, name, _vector(row["print"]) if enough else None)
                db.execute("UPDATE speakers SET name=?, person_id=?, confidence=NULL WHERE job_id=? AND key=?",
                           (name, person_id, job_id, key))
        self.refresh_notes(job_id)

    def _remember(self, db, name: str, vector) -> int:
        person = db.execute("SELECT id, print, recordings FROM people WHERE name=?", (name,)).fetchone()
        if person is None:
            return db.execute("INSERT INTO people (name, print, recordings, updated_at) VALUES (?,?,?,?)",
                              (name, _blob(vector), 1 if vector is not None else 0, time.time())).lastrowid
        if vector is not None:
            kept, n = _vector(person["print"]), person["recordings"]
            if not _comparable(kept, vector):  # none yet, or an older model's: this voice starts it anew
                kept, n = None, 0
            mixed = vector if kept is None else (kept * n + vector) / (n + 1)
            db.execute("UPDATE people SET print=?, recordings=?, updated_at=? WHERE id=?",
                       (_blob(mixed), n + 1, time.time(), person["id"]))
        return person["id"]

    def merge_speakers(self, job_id: str, source: str, target: str) -> None:
        """Everything *source* said becomes *target*'s; *source* is gone."""
        if source == target:
            return
        with self.transaction() as db:
            self._snapshot(db, job_id, f"merge {source} into {target}")
            rows = {r["key"]: r for r in db.execute("SELECT * FROM speakers WHERE job_id=? AND key IN (?,?)",
                                                      (job_id, source, target))}
            a, b = rows.get(source), rows.get(target)
            if a is not None and b is not None and _comparable(_vector(a["print"]), _vector(b["print"])):
                wa, wb = a["seconds"] or 1.0, b["seconds"] or 1.0
                mixed = (_vector(a["print"]) * wa + _vector(b["print"]) * wb) / (wa + wb)
                db.execute("UPDATE speakers SET print=?, seconds=? WHERE job_id=? AND key=?",
                           (_blob(mixed), wa + wb, job_id, target))
            if a is not None and b is not None and (a["turns"] or b["turns"]):
                both = json.loads(a["turns"] or "[]") + json.loads(b["turns"] or "[]")
                db.execute("UPDATE speakers SET turns=? WHERE job_id=? AND key=?",
                           (_turns_text(both), job_id, target))
            db.execute("UPDATE segments SET speaker=? WHERE job_id=? AND speaker=?", (target, job_id, source))
            db.execute("DELETE FROM speakers WHERE job_id=? AND key=?", (job_id, source))
        self.refresh_notes(job_id)

    def assign_segment(self, job_id: str, idx: int, key: str) -> None:
        """One segment to another speaker (a new one when *key* is not yet a speaker)."""
        with self.transaction() as db:
            self._snapshot(db, job_id, f"segment {idx} to {key}")
            db.execute("INSERT OR IGNORE INTO speakers (job_id, key) VALUES (?,?)", (job_id, key))
            db.execute("UPDATE segments SET speaker=? WHERE job_id=? AND idx=?", (key, job_id, idx))
        self.refresh_notes(job_id)

    def next_speaker_key(self, job_id: str) -> str:
        row = self._q("SELECT MAX(CAST(key AS INTEGER)) FROM speakers WHERE job_id=?", (job_id,))[0][0]
        return str((row or 0) + 1)

    def speaker_edit_to_undo(self, job_id: str) -> str | None:
        """What ``undo_speaker_edit`` would put back (the last edit), or None if nothing."""
        last = self._one("SELECT what FROM speaker_edits WHERE job_id=? ORDER BY id DESC LIMIT 1", (job_id,))
        return last["what"] if last else None

    def undo_speaker_edit(self, job_id: str) -> str | None:
        """Put back what the last speaker edit changed; what it was, or None if nothing."""
        with self.transaction() as db:
            last = db.execute("SELECT id, what, before FROM speaker_edits WHERE job_id=? ORDER BY id DESC LIMIT 1",
                              (job_id,)).fetchone()
            if last is None:
                return None
            before = json.loads(last["before"])
            db.execute("DELETE FROM speakers WHERE job_id=?", (job_id,))
            for sp in before["speakers"]:
                sp["print"] = bytes.fromhex(sp["print"]) if sp["print"] else None
                if sp["person_id"] is not None and not db.execute("SELECT 1 FROM people WHERE id=?",
                                                                  (sp["person_id"],)).fetchone():
                    sp["person_id"] = None  # forgotten since
                db.execute(f"INSERT INTO speakers ({', '.join(sp)}) VALUES ({', '.join('?' * len(sp))})",
                           tuple(sp.values()))
            db.executemany("UPDATE segments SET speaker=? WHERE job_id=? AND idx=?",
                           [(speaker, job_id, idx) for idx, speaker in before["segments"]])
            db.execute("DELETE FROM speaker_edits WHERE id=?", (last["id"],))
        self.refresh_notes(job_id)
        return last["what"]

    # --- people: the voices kept ---------------------------------------------------------
    def people(self) -> list[dict]:
        rows = self._q("SELECT p.id, p.name, p.recordings, p.print IS NOT NULL AS has_voice, p.updated_at, "
                       "(SELECT COUNT(DISTINCT job_id) FROM speakers s WHERE s.person_id=p.id) AS jobs "
                       "FROM people p ORDER BY p.name COLLATE NOCASE")
        return [dict(r) for r in rows]

    def _jobs_of(self, *person_ids: int) -> list[str]:
        marks = ",".join("?" * len(person_ids))
        return [r[0] for r in self._q(f"SELECT DISTINCT job_id FROM speakers WHERE person_id IN ({marks})",
                                      person_ids)]

    def rename_person(self, person_id: int, name: str) -> list[str]:
        """A new name for a person, in every transcript they speak in (and its notes). To
        a name someone else has: the two are merged. Returns those transcripts' jobs (their
        notes changed: search must index them again)."""
        jobs = self._jobs_of(person_id)
        self._rename_person(person_id, name)
        for job_id in jobs:
            self.refresh_notes(job_id)
        return jobs

    def _rename_person(self, person_id: int, name: str) -> None:
        with self.transaction() as db:
            other = db.execute("SELECT id FROM people WHERE name=? AND id!=?", (name, person_id)).fetchone()
            if other is not None:
                self._merge_people(db, person_id, other["id"])
                return
            db.execute("UPDATE people SET name=?, updated_at=? WHERE id=?", (name, time.time(), person_id))
            db.execute("UPDATE speakers SET name=? WHERE person_id=?", (name, person_id))

    def merge_people(self, source: int, target: int) -> list[str]:
        """*source* is *target* (their voices joined, *source*'s transcripts named as
        *target*); returns the jobs whose names, and so notes, changed."""
        jobs = self._jobs_of(source)
        with self.transaction() as db:
            self._merge_people(db, source, target)
        for job_id in jobs:
            self.refresh_notes(job_id)
        return jobs

    def _merge_people(self, db, source: int, target: int) -> None:
        rows = {r["id"]: r for r in db.execute("SELECT * FROM people WHERE id IN (?,?)", (source, target))}
        a, b = rows[source], rows[target]
        if _comparable(_vector(a["print"]), _vector(b["print"])):
            na, nb = max(a["recordings"], 1), max(b["recordings"], 1)
            mixed = (_vector(a["print"]) * na + _vector(b["print"]) * nb) / (na + nb)
            db.execute("UPDATE people SET print=?, recordings=? WHERE id=?", (_blob(mixed), na + nb, target))
        elif a["print"] and (not b["print"] or len(_vector(a["print"])) == PRINT_NUMBERS):  # the current model's
            db.execute("UPDATE people SET print=?, recordings=? WHERE id=?", (a["print"], a["recordings"], target))
        db.execute("UPDATE speakers SET person_id=?, name=? WHERE person_id=?", (target, b["name"], source))
        db.execute("DELETE FROM people WHERE id=?", (source,))

    def forget_person(self, person_id: int) -> None:
        """Delete a person and every voice print of theirs (the kept one, and those of the
        transcripts they were named in). The names in transcripts stay as typed."""
        with self.transaction() as db:
            db.execute("UPDATE speakers SET print=NULL, person_id=NULL, confidence=NULL WHERE person_id=?",
                       (person_id,))
            db.execute("DELETE FROM people WHERE id=?", (person_id,))
            for edit in db.execute("SELECT id, before FROM speaker_edits").fetchall():
                before = json.loads(edit["before"])
                if any(sp.get("person_id") == person_id for sp in before["speakers"]):
                    for sp in before["speakers"]:
                        if sp.get("person_id") == person_id:
                            sp.update(print=None, person_id=None)
                    db.execute("UPDATE speaker_edits SET before=? WHERE id=?", (json.dumps(before), edit["id"]))


def _match(speakers: list[dict], people: list[tuple], threshold: float) -> dict:
    """speaker key → (person id, name, similarity): the closest voices first, each person
    at most once, only at *threshold* or above, and only speakers with MIN_MATCH_SECONDS
    of speech (when the result says how much)."""
    import numpy as np

    pairs = []
    for sp in speakers:
        if not sp.get("print") or (sp.get("seconds") is not None and sp["seconds"] < MIN_MATCH_SECONDS):
            continue
        v = np.asarray(sp["print"], np.float32)
        v = v / (np.linalg.norm(v) + 1e-9)
        for person_id, name, kept in people:
            if not _comparable(v, kept):
                continue
            # a person's print is the mean of the recordings named: back to unit length
            pairs.append((float(v @ kept) / (float(np.linalg.norm(kept)) + 1e-9), sp["key"], person_id, name))
    out, used = {}, set()
    for similarity, key, person_id, name in sorted(pairs, reverse=True):
        if similarity >= threshold and key not in out and person_id not in used:
            out[key] = (person_id, name, similarity)
            used.add(person_id)
    return out
