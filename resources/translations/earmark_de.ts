<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="de_DE">
<context>
    <name>AppController</name>
    <message>
        <location filename="../../app/gui/controller.py" line="36" />
        <source>Skipped 1 file in the folder that is not a recording ({0}).</source>
        <translation>Eine Datei im Ordner übersprungen, die keine Aufnahme ist ({0}).</translation>
    </message>
    <message>
        <location filename="../../app/gui/controller.py" line="39" />
        <source>Skipped {1} files in the folder that are not recordings ({0}).</source>
        <translation>{1} Dateien im Ordner übersprungen, die keine Aufnahmen sind ({0}).</translation>
    </message>
    <message>
        <location filename="../../app/gui/controller.py" line="94" />
        <source>Starting workers…</source>
        <translation>Worker werden gestartet…</translation>
    </message>
    <message>
        <location filename="../../app/gui/controller.py" line="102" />
        <source>{0}

Check that the data folder {1} is writable, or choose another one with --data-dir.</source>
        <translation>{0}

Prüfen Sie, ob der Datenordner {1} beschreibbar ist, oder wählen Sie mit --data-dir einen anderen.</translation>
    </message>
    <message>
        <location filename="../../app/gui/controller.py" line="107" />
        <source>Earmark could not start its workers: {0}. See the logs in {1}.</source>
        <translation>Earmark konnte seine Worker nicht starten: {0}. Siehe die Protokolle in {1}.</translation>
    </message>
    <message>
        <location filename="../../app/gui/controller.py" line="116" />
        <source>Starting the workers again with the new settings…</source>
        <translation>Die Worker starten mit den neuen Einstellungen neu…</translation>
    </message>
    <message>
        <location filename="../../app/gui/controller.py" line="127" />
        <source>Ready</source>
        <translation>Bereit</translation>
    </message>
    <message>
        <location filename="../../app/gui/controller.py" line="186" />
        <source>The API cannot listen on {0}: {1}</source>
        <translation>Die API kann nicht auf {0} lauschen: {1}</translation>
    </message>
    <message>
        <location filename="../../app/gui/controller.py" line="189" />
        <source>The API did not start: {0}</source>
        <translation>Die API ist nicht gestartet: {0}</translation>
    </message>
    <message>
        <location filename="../../app/gui/controller.py" line="191" />
        <source>The API listens on {0}</source>
        <translation>Die API lauscht auf {0}</translation>
    </message>
    <message>
        <location filename="../../app/gui/controller.py" line="256" />
        <source>Downloading {0}: {1} %</source>
        <translation>Lade {0} herunter: {1} %</translation>
    </message>
    <message>
        <location filename="../../app/gui/controller.py" line="258" />
        <source>Downloading {0}: {1} MB</source>
        <translation>Lade {0} herunter: {1} MB</translation>
    </message>
    <message>
        <location filename="../../app/gui/controller.py" line="275" />
        <source>{0} is a folder with no recordings in it.</source>
        <translation>{0} ist ein Ordner ohne Aufnahmen.</translation>
    </message>
    <message>
        <location filename="../../app/gui/controller.py" line="277" />
        <source>Refused a helper at {0}: {1}</source>
        <translation>Einen Helfer unter {0} abgewiesen: {1}</translation>
    </message>
    <message>
        <location filename="../../app/gui/controller.py" line="273" />
        <source>Could not add {0}: {1}</source>
        <translation>{0} konnte nicht hinzugefügt werden: {1}</translation>
    </message>
    <message>
        <location filename="../../app/gui/controller.py" line="271" />
        <source>{0} is already in the list; it was not added twice.</source>
        <translation>{0} ist schon in der Liste; sie wurde nicht doppelt hinzugefügt.</translation>
    </message>
    <message>
        <location filename="../../app/gui/controller.py" line="279" />
        <source>Could not export to {0}: {1}</source>
        <translation>Konnte nicht nach {0} exportieren: {1}</translation>
    </message>
    <message>
        <location filename="../../app/gui/controller.py" line="283" />
        <source>A recording was not finished (Earmark stopped while it recorded); its {0} s were kept as {1} and are transcribed now.</source>
        <translation>Eine Aufnahme wurde nicht beendet (Earmark wurde während der Aufnahme beendet); ihre {0} s wurden als {1} behalten und werden jetzt transkribiert.</translation>
    </message>
    <message>
        <location filename="../../app/gui/controller.py" line="292" />
        <source>Found {0} in a watched folder; it is taken once it has finished copying.</source>
        <translation>{0} in einem überwachten Ordner gefunden; die Datei wird übernommen, sobald sie fertig kopiert ist.</translation>
    </message>
    <message>
        <location filename="../../app/gui/controller.py" line="295" />
        <source>Took {0} from a watched folder.</source>
        <translation>{0} aus einem überwachten Ordner übernommen.</translation>
    </message>
    <message>
        <location filename="../../app/gui/controller.py" line="297" />
        <source>Wrote {0}</source>
        <translation>Geschrieben: {0}</translation>
    </message>
    <message>
        <location filename="../../app/gui/controller.py" line="299" />
        <source>Could not write the transcript of {0}: {1}</source>
        <translation>Das Transkript von {0} konnte nicht geschrieben werden: {1}</translation>
    </message>
    <message>
        <location filename="../../app/gui/controller.py" line="301" />
        <source>Failed {0}: {1}</source>
        <translation>Fehlgeschlagen: {0}: {1}</translation>
    </message>
    <message>
        <location filename="../../app/gui/controller.py" line="304" />
        <source>The watched folder {0} is not there; it is watched again as soon as it is.</source>
        <translation>Der überwachte Ordner {0} ist nicht vorhanden; er wird wieder überwacht, sobald er da ist.</translation>
    </message>
    <message>
        <location filename="../../app/gui/controller.py" line="327" />
        <source>Could not {0}: {1}</source>
        <translation>Fehlgeschlagen ({0}): {1}</translation>
    </message>
    <message>
        <location filename="../../app/gui/controller.py" line="311" />
        <location filename="../../app/gui/controller.py" line="337" />
        <source>The workers are still starting; try again in a moment.</source>
        <translation>Die Worker starten noch; versuchen Sie es gleich noch einmal.</translation>
    </message>
</context>
<context>
    <name>BrokerPoller</name>
    <message>
        <location filename="../../app/gui/queue_panel/poller.py" line="53" />
        <source>The broker does not answer: {0}</source>
        <translation>Der Broker antwortet nicht: {0}</translation>
    </message>
</context>
<context>
    <name>Columns</name>
    <message>
        <location filename="../../app/gui/jobs_model.py" line="127" />
        <location filename="../../app/gui/queue_panel/tasks_model.py" line="60" />
        <source>File</source>
        <translation>Datei</translation>
    </message>
    <message>
        <location filename="../../app/gui/jobs_model.py" line="128" />
        <source>Progress</source>
        <translation>Fortschritt</translation>
    </message>
    <message>
        <location filename="../../app/gui/jobs_model.py" line="129" />
        <location filename="../../app/gui/queue_panel/tasks_model.py" line="56" />
        <location filename="../../app/gui/settings_dialog.py" line="524" />
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../app/gui/jobs_model.py" line="130" />
        <source>Time left</source>
        <translation>Restzeit</translation>
    </message>
    <message>
        <location filename="../../app/gui/jobs_model.py" line="131" />
        <source>Note</source>
        <translation>Hinweis</translation>
    </message>
    <message>
        <location filename="../../app/gui/jobs_model.py" line="132" />
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <location filename="../../app/gui/jobs_model.py" line="133" />
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <location filename="../../app/gui/jobs_model.py" line="134" />
        <location filename="../../app/gui/queue_panel/tasks_model.py" line="62" />
        <source>From</source>
        <translation>Herkunft</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/queues_tab.py" line="23" />
        <location filename="../../app/gui/queue_panel/tasks_model.py" line="59" />
        <source>Queue</source>
        <translation>Warteschlange</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/queues_tab.py" line="23" />
        <source>Waiting</source>
        <translation>Wartend</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/queues_tab.py" line="24" />
        <source>By priority</source>
        <translation>Nach Priorität</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/queues_tab.py" line="24" />
        <source>Reserved (unacked)</source>
        <translation>Reserviert (unbestätigt)</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/queues_tab.py" line="25" />
        <source>Received/min</source>
        <translation>Empfangen/min</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/queues_tab.py" line="25" />
        <source>Started/min</source>
        <translation>Gestartet/min</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/queues_tab.py" line="26" />
        <source>Succeeded/min</source>
        <translation>Erfolgreich/min</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/queues_tab.py" line="26" />
        <source>Failed/min</source>
        <translation>Fehlgeschlagen/min</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/stats_tab.py" line="12" />
        <location filename="../../app/gui/queue_panel/tasks_model.py" line="57" />
        <source>Task</source>
        <translation>Aufgabe</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/stats_tab.py" line="12" />
        <source>Total</source>
        <translation>Gesamt</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/stats_tab.py" line="13" />
        <source>Succeeded</source>
        <translation>Erfolgreich</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/stats_tab.py" line="13" />
        <location filename="../../app/gui/queue_panel/workers_tab.py" line="30" />
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/stats_tab.py" line="14" />
        <source>Success rate</source>
        <translation>Erfolgsquote</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/stats_tab.py" line="14" />
        <source>Mean run</source>
        <translation>Mittlere Laufzeit</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/stats_tab.py" line="15" />
        <source>p50</source>
        <translation>p50</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/stats_tab.py" line="15" />
        <source>p95</source>
        <translation>p95</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/tasks_model.py" line="63" />
        <location filename="../../app/gui/queue_panel/workers_tab.py" line="26" />
        <source>Worker</source>
        <translation>Worker</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/tasks_model.py" line="64" />
        <source>Queued</source>
        <translation>Eingereiht</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/tasks_model.py" line="66" />
        <source>Wait</source>
        <translation>Wartezeit</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/tasks_model.py" line="67" />
        <source>Run</source>
        <translation>Laufzeit</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/tasks_model.py" line="68" />
        <source>Finished</source>
        <translation>Beendet</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/tasks_model.py" line="70" />
        <source>Retries</source>
        <translation>Wiederholungen</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/tasks_model.py" line="71" />
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/workers_tab.py" line="26" />
        <source>Role</source>
        <translation>Rolle</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/workers_tab.py" line="27" />
        <source>Status</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/workers_tab.py" line="27" />
        <source>Heartbeat</source>
        <translation>Lebenszeichen</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/workers_tab.py" line="28" />
        <source>Queues</source>
        <translation>Warteschlangen</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/workers_tab.py" line="28" />
        <source>Pool</source>
        <translation>Pool</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/workers_tab.py" line="29" />
        <source>Active</source>
        <translation>Aktiv</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/workers_tab.py" line="29" />
        <source>Processed</source>
        <translation>Verarbeitet</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/workers_tab.py" line="30" />
        <source>Load</source>
        <translation>Last</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/workers_tab.py" line="31" />
        <source>Memory</source>
        <translation>Speicher</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/workers_tab.py" line="31" />
        <location filename="../../app/gui/settings_dialog.py" line="523" />
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/workers_tab.py" line="32" />
        <source>Restarts</source>
        <translation>Neustarts</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/workers_tab.py" line="32" />
        <source>Last change</source>
        <translation>Letzte Änderung</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="523" />
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="524" />
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="525" />
        <source>About</source>
        <translation>Beschreibung</translation>
    </message>
</context>
<context>
    <name>Crash</name>
    <message>
        <source>The worker process</source>
        <translation>Der Worker-Prozess</translation>
    </message>
    <message>
        <source>this file</source>
        <translation>dieser Datei</translation>
    </message>
    <message>
        <source>The speech engine</source>
        <translation>Die Spracherkennung</translation>
    </message>
    <message>
        <source>The audio decoder</source>
        <translation>Der Audio-Decoder</translation>
    </message>
    <message>
        <source>The speaker engine</source>
        <translation>Die Sprechererkennung</translation>
    </message>
    <message>
        <source>this recording</source>
        <translation>dieser Aufnahme</translation>
    </message>
    <message>
        <source>The summary engine</source>
        <translation>Das Zusammenfassungsmodul</translation>
    </message>
    <message>
        <source>this transcript</source>
        <translation>diesem Transkript</translation>
    </message>
    <message>
        <source>The translation engine</source>
        <translation>Das Übersetzungsmodul</translation>
    </message>
    <message>
        <source>The search indexer</source>
        <translation>Die Suchindizierung</translation>
    </message>
    <message>
        <source>The transcript is kept without speakers.</source>
        <translation>Das Transkript bleibt ohne Sprecher erhalten.</translation>
    </message>
    <message>
        <source>illegal instruction</source>
        <translation>unzulässiger Befehl</translation>
    </message>
    <message>
        <source>segmentation fault</source>
        <translation>Speicherzugriffsfehler</translation>
    </message>
    <message>
        <source>bus error</source>
        <translation>Busfehler</translation>
    </message>
    <message>
        <source>aborted</source>
        <translation>abgebrochen</translation>
    </message>
    <message>
        <source>arithmetic fault</source>
        <translation>Rechenfehler</translation>
    </message>
    <message>
        <source>killed</source>
        <translation>von außen beendet</translation>
    </message>
    <message>
        <source>terminated</source>
        <translation>beendet</translation>
    </message>
    <message>
        <source>This build of the engine uses CPU instructions this machine does not allow; reinstalling Earmark builds a portable engine.</source>
        <translation>Diese Fassung des Moduls nutzt CPU-Befehle, die dieser Rechner nicht erlaubt; eine Neuinstallation von Earmark baut eine portable Fassung.</translation>
    </message>
    <message>
        <source>It was killed from outside, most often because the machine ran out of memory.</source>
        <translation>Der Prozess wurde von außen beendet, meist weil dem Rechner der Speicher ausging.</translation>
    </message>
    <message>
        <source>the process ended unexpectedly</source>
        <translation>der Prozess endete unerwartet</translation>
    </message>
    <message>
        <source>the worker process ended</source>
        <translation>der Worker-Prozess endete</translation>
    </message>
    <message>
        <source>The transcript is kept without notes.</source>
        <translation>Das Transkript bleibt ohne Notizen erhalten.</translation>
    </message>
    <message>
        <source>The transcript is kept without the translation.</source>
        <translation>Das Transkript bleibt ohne die Übersetzung erhalten.</translation>
    </message>
</context>
<context>
    <name>DropZone</name>
    <message>
        <location filename="../../app/gui/main_window.py" line="125" />
        <source>Drop recordings or folders here

or use File › Add files (Ctrl+O)</source>
        <translation>Aufnahmen oder Ordner hier ablegen

oder Datei › Dateien hinzufügen (Strg+O)</translation>
    </message>
</context>
<context>
    <name>Export</name>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="30" />
        <source>Plain text</source>
        <translation>Reiner Text</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="31" />
        <source>SubRip subtitles</source>
        <translation>SubRip-Untertitel</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="32" />
        <source>WebVTT subtitles</source>
        <translation>WebVTT-Untertitel</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="33" />
        <source>JSON (with times)</source>
        <translation>JSON (mit Zeiten)</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="34" />
        <source>Markdown</source>
        <translation>Markdown</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="35" />
        <source>Spreadsheet (tab-separated)</source>
        <translation>Tabelle (tabulatorgetrennt)</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="44" />
        <source>Export</source>
        <translation>Export</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="46" />
        <source>Formats</source>
        <translation>Formate</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="56" />
        <source>Notes (Markdown, .summary.md)</source>
        <translation>Notizen (Markdown, .summary.md)</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="60" />
        <source>Subtitles</source>
        <translation>Untertitel</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="73" />
        <source>Export folder</source>
        <translation>Exportordner</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="75" />
        <source>Choose…</source>
        <translation>Auswählen…</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="81" />
        <source>Export 1 transcript</source>
        <translation>1 Transkript exportieren</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="82" />
        <source>Export {0} transcripts</source>
        <translation>{0} Transkripte exportieren</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="88" />
        <source>To the folder:</source>
        <translation>In den Ordner:</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="101" />
        <source>Export to</source>
        <translation>Exportieren nach</translation>
    </message>
</context>
<context>
    <name>JobTableModel</name>
    <message>
        <location filename="../../app/gui/jobs_model.py" line="227" />
        <source>{0}%</source>
        <translation>{0} %</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../app/gui/main_window.py" line="136" />
        <location filename="../../app/gui/main_window.py" line="418" />
        <source>Earmark</source>
        <translation>Earmark</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="179" />
        <source>Search all transcripts (Ctrl+K)</source>
        <translation>Alle Transkripte durchsuchen (Strg+K)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="183" />
        <source>Most relevant</source>
        <translation>Relevanteste zuerst</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="184" />
        <source>Newest first</source>
        <translation>Neueste zuerst</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="194" />
        <location filename="../../app/gui/main_window.py" line="713" />
        <source>Anyone</source>
        <translation>Alle</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="195" />
        <source>Only what this person said</source>
        <translation>Nur was diese Person gesagt hat</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="196" />
        <source>Speaker of search results</source>
        <translation>Sprecher der Suchergebnisse</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="213" />
        <source>Transcript</source>
        <translation>Transkript</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="214" />
        <source>Summary</source>
        <translation>Zusammenfassung</translation>
    </message>
    <message>
        <source>Exported {0} file(s) to {1}</source>
        <translation type="vanished">{0} Datei(en) nach {1} exportiert</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="250" />
        <source>Nothing was exported: the selection has no transcript yet.</source>
        <translation>Nichts exportiert: die Auswahl hat noch kein Transkript.</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="274" />
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="275" />
        <source>Add files…</source>
        <translation>Dateien hinzufügen…</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="276" />
        <source>Add folder…</source>
        <translation>Ordner hinzufügen…</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="277" />
        <source>Add link…</source>
        <translation>Link hinzufügen…</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="278" />
        <source>Export selected…</source>
        <translation>Auswahl exportieren…</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="280" />
        <source>Settings…</source>
        <translation>Einstellungen…</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="281" />
        <source>Quit</source>
        <translation>Beenden</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="282" />
        <source>&amp;Jobs</source>
        <translation>&amp;Aufträge</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="283" />
        <location filename="../../app/gui/main_window.py" line="806" />
        <source>Open transcript</source>
        <translation>Transkript öffnen</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="286" />
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="288" />
        <source>Retry</source>
        <translation>Wiederholen</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="290" />
        <source>Move to top</source>
        <translation>Nach oben</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="292" />
        <source>Remove from list</source>
        <translation>Aus der Liste entfernen</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="294" />
        <source>Pause</source>
        <translation>Anhalten</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="296" />
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <source>Translate…</source>
        <translation type="vanished">Übersetzen…</translation>
    </message>
    <message>
        <source>Find speakers…</source>
        <translation type="vanished">Sprecher finden…</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="304" />
        <source>Show in file manager</source>
        <translation>Im Dateimanager zeigen</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="318" />
        <source>Queue</source>
        <translation>Warteschlange</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="319" />
        <source>Queue panel</source>
        <translation>Warteschlangen</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="323" />
        <source>&amp;View</source>
        <translation>An&amp;sicht</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="325" />
        <source>People…</source>
        <translation>Personen…</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="345" />
        <location filename="../../app/gui/main_window.py" line="348" />
        <source>Record</source>
        <translation>Aufnehmen</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="346" />
        <source>Record panel</source>
        <translation>Aufnahme-Bereich</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="360" />
        <source>Jobs</source>
        <translation>Aufträge</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="360" />
        <source>Search all transcripts</source>
        <translation>Alle Transkripte durchsuchen</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="361" />
        <source>Order of search results</source>
        <translation>Reihenfolge der Suchergebnisse</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="362" />
        <source>Search results</source>
        <translation>Suchergebnisse</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="362" />
        <source>Overall progress</source>
        <translation>Gesamtfortschritt</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="363" />
        <source>Transcript and summary</source>
        <translation>Transkript und Zusammenfassung</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="363" />
        <source>Drop zone</source>
        <translation>Ablagefläche</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="369" />
        <source>Main</source>
        <translation>Haupt</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="461" />
        <source>Add recordings</source>
        <translation>Aufnahmen hinzufügen</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="462" />
        <source>Audio and video ({0});;All files (*)</source>
        <translation>Audio und Video ({0});;Alle Dateien (*)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="468" />
        <source>Add a folder of recordings</source>
        <translation>Einen Ordner mit Aufnahmen hinzufügen</translation>
    </message>
    <message>
        <source>Select the transcripts to translate first.</source>
        <translation type="vanished">Wählen Sie zuerst die zu übersetzenden Transkripte.</translation>
    </message>
    <message>
        <source>Translate</source>
        <translation type="vanished">Übersetzen</translation>
    </message>
    <message>
        <source>Translate into:</source>
        <translation type="vanished">Übersetzen in:</translation>
    </message>
    <message>
        <source>Whisper '{0}' scored {1} of 100 translating speech to English on Earmark's test recording, below the {2} a usable translation needs: expect missing and wrong sentences. A larger multilingual speech model (Settings › Models: small or medium) translates better.</source>
        <translation type="vanished">Whisper „{0}“ erreichte {1} von 100 Punkten beim Übersetzen von Sprache ins Englische auf Earmarks Testaufnahme, weniger als die {2}, die eine brauchbare Übersetzung braucht: Rechnen Sie mit fehlenden und falschen Sätzen. Ein größeres mehrsprachiges Sprachmodell (Einstellungen › Modelle: small oder medium) übersetzt besser.</translation>
    </message>
    <message>
        <source>The bundled translation model (SmolLM2-135M) scored {0} of 100 on Earmark's test translation, below the {1} a usable translation needs: expect wrong and untranslated sentences. For English from speech, transcribe with the speech model 'base' and the task 'translate'; for other languages, choose a larger summary model in Settings › Models.</source>
        <translation type="vanished">Das mitgelieferte Übersetzungsmodell (SmolLM2-135M) erreichte {0} von 100 Punkten in Earmarks Testübersetzung, weniger als die {1}, die eine brauchbare Übersetzung braucht: Rechnen Sie mit falschen und unübersetzten Sätzen. Für Englisch aus Sprache transkribieren Sie mit dem Sprachmodell „base“ und der Aufgabe „translate“; für andere Sprachen wählen Sie ein größeres Zusammenfassungsmodell unter Einstellungen › Modelle.</translation>
    </message>
    <message>
        <source>Select the transcripts to find speakers in first.</source>
        <translation type="vanished">Wählen Sie zuerst die Transkripte aus, in denen Sprecher gefunden werden sollen.</translation>
    </message>
    <message>
        <source>Find speakers</source>
        <translation type="vanished">Sprecher finden</translation>
    </message>
    <message>
        <source>How many speakers: auto, a number (e.g. 3) or a range (e.g. 2-4):</source>
        <translation type="vanished">Wie viele Sprecher: auto, eine Zahl (z. B. 3) oder ein Bereich (z. B. 2-4):</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="570" />
        <source>Select the jobs to export first.</source>
        <translation>Wählen Sie zuerst die zu exportierenden Aufträge.</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="607" />
        <source>notes</source>
        <translation>Notizen</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="607" />
        <source>translation</source>
        <translation>Übersetzung</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="623" />
        <source>No transcript mentions “{0}”.</source>
        <translation>Kein Transkript erwähnt „{0}“.</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="730" />
        <source>Working…</source>
        <translation>In Arbeit…</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="748" />
        <source>A job failed</source>
        <translation>Ein Auftrag ist fehlgeschlagen</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="755" />
        <source>{0} of {1} · %p%</source>
        <translation>{0} von {1} · %p %</translation>
    </message>
    <message>
        <source>Earmark: {0} job(s) left</source>
        <translation type="vanished">Earmark: noch {0} Auftrag/Aufträge</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="769" />
        <source>{0} done</source>
        <translation>{0} fertig</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="769" />
        <source>{0} failed</source>
        <translation>{0} fehlgeschlagen</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="770" />
        <source>{0} cancelled</source>
        <translation>{0} abgebrochen</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="773" />
        <source>Batch finished</source>
        <translation>Stapel beendet</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="772" />
        <source>nothing left</source>
        <translation>nichts mehr offen</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="248" />
        <source>Exported 1 file to {0}</source>
        <translation>1 Datei nach {0} exportiert</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="249" />
        <source>Exported {0} files to {1}</source>
        <translation>{0} Dateien nach {1} exportiert</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="482" />
        <source>Add link</source>
        <translation>Link hinzufügen</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="483" />
        <source>A link to a recording, or to a page that holds one (it is downloaded now):</source>
        <translation>Ein Link zu einer Aufnahme oder zu einer Seite, die eine enthält (sie wird jetzt heruntergeladen):</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="493" />
        <source>{0} is not a link (http:// or https://).</source>
        <translation>{0} ist kein Link (http:// oder https://).</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="537" />
        <source>Select the transcripts first.</source>
        <translation>Wählen Sie zuerst die Transkripte aus.</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="758" />
        <source>Earmark: 1 job left</source>
        <translation>Earmark: noch 1 Auftrag</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="759" />
        <source>Earmark: {0} jobs left</source>
        <translation>Earmark: noch {0} Aufträge</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="782" />
        <source>API: {0}</source>
        <translation>API: {0}</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="783" />
        <source>Other programs reach Earmark here (Settings › API has the key)</source>
        <translation>Hier erreichen andere Programme Earmark (den Schlüssel finden Sie unter Einstellungen › API)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="797" />
        <source>Earmark could not start its workers</source>
        <translation>Earmark konnte seine Worker nicht starten</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="798" />
        <source>Earmark could not start</source>
        <translation>Earmark konnte nicht starten</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="803" />
        <source>Already transcribed</source>
        <translation>Schon transkribiert</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="804" />
        <source>{0} was already transcribed with these settings.</source>
        <translation>{0} wurde mit diesen Einstellungen schon transkribiert.</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="807" />
        <source>Transcribe again</source>
        <translation>Noch einmal transkribieren</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="841" />
        <source>Earmark keeps running</source>
        <translation>Earmark läuft weiter</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="841" />
        <source>Jobs continue in the background.</source>
        <translation>Die Aufträge laufen im Hintergrund weiter.</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="852" />
        <source>Stopping workers…</source>
        <translation>Worker werden beendet…</translation>
    </message>
    <message>
        <source>Whisper '{0}' scored {1} of 100 translating speech to English on Earmark's test recording, below the {2} a usable translation needs: expect missing and wrong sentences. A larger multilingual speech model (Settings › Models: small or medium) is the way to a better translation, though none has been scored yet.</source>
        <translation type="vanished">Whisper „{0}“ erreichte {1} von 100 Punkten beim Übersetzen von Sprache ins Englische auf Earmarks Testaufnahme, weniger als die {2}, die eine brauchbare Übersetzung braucht: Rechnen Sie mit fehlenden und falschen Sätzen. Besser übersetzen kann ein größeres mehrsprachiges Sprachmodell (Einstellungen › Modelle: small oder medium), auch wenn noch keines gemessen wurde.</translation>
    </message>
    <message>
        <source>The bundled translation model (SmolLM2-135M) scored {0} of 100 on Earmark's test translation, below the {1} a usable translation needs: expect wrong and untranslated sentences. Whisper 'base' turning speech into English scored no better ({2}); a larger summary model (Settings › Models) is the way to a better translation, though none has been scored yet.</source>
        <translation type="vanished">Das mitgelieferte Übersetzungsmodell (SmolLM2-135M) erreichte {0} von 100 Punkten in Earmarks Testübersetzung, weniger als die {1}, die eine brauchbare Übersetzung braucht: Rechnen Sie mit falschen und unübersetzten Sätzen. Whisper „base“ erreichte beim Übersetzen von Sprache ins Englische nicht mehr ({2}); besser übersetzen kann ein größeres Zusammenfassungsmodell (Einstellungen › Modelle), auch wenn noch keines gemessen wurde.</translation>
    </message>
</context>
<context>
    <name>Message</name>
    <message>
        <source>File not found: {path}</source>
        <translation>Datei nicht gefunden: {path}</translation>
    </message>
    <message>
        <source>Permission denied: cannot open {path}</source>
        <translation>Zugriff verweigert: {path} kann nicht geöffnet werden</translation>
    </message>
    <message>
        <source>Permission denied: cannot read {path}</source>
        <translation>Zugriff verweigert: {path} kann nicht gelesen werden</translation>
    </message>
    <message>
        <source>This is a folder, not a file: {path}</source>
        <translation>Das ist ein Ordner, keine Datei: {path}</translation>
    </message>
    <message>
        <source>Not a regular file (a device, pipe or socket): {path}</source>
        <translation>Keine normale Datei (ein Gerät, eine Pipe oder ein Socket): {path}</translation>
    </message>
    <message>
        <source>The file is empty (0 bytes): {path}</source>
        <translation>Die Datei ist leer (0 Byte): {path}</translation>
    </message>
    <message>
        <source>The file could not be read right now ({why}): {path}</source>
        <translation>Die Datei konnte gerade nicht gelesen werden ({why}): {path}</translation>
    </message>
    <message>
        <source>The file could not be read ({why}): {path}</source>
        <translation>Die Datei konnte nicht gelesen werden ({why}): {path}</translation>
    </message>
    <message>
        <source>This file changed after it was added (its content is no longer what was queued), so it was not transcribed. Add it again to transcribe what it holds now: {path}</source>
        <translation>Diese Datei hat sich geändert, nachdem sie hinzugefügt wurde (ihr Inhalt ist nicht mehr der, der eingereiht wurde), deshalb wurde sie nicht transkribiert. Fügen Sie sie erneut hinzu, um ihren jetzigen Inhalt zu transkribieren: {path}</translation>
    </message>
    <message>
        <source>This is a text file, not a recording: {path}</source>
        <translation>Das ist eine Textdatei, keine Aufnahme: {path}</translation>
    </message>
    <message>
        <source>Not a recognised audio or video file, or it is corrupt: {path}</source>
        <translation>Keine erkannte Audio- oder Videodatei, oder sie ist beschädigt: {path}</translation>
    </message>
    <message>
        <source>This is an image, not a recording: {path}</source>
        <translation>Das ist ein Bild, keine Aufnahme: {path}</translation>
    </message>
    <message>
        <source>This video has no audio to transcribe: {path}</source>
        <translation>Dieses Video hat keinen Ton zum Transkribieren: {path}</translation>
    </message>
    <message>
        <source>No audio in this file: {path}</source>
        <translation>Kein Ton in dieser Datei: {path}</translation>
    </message>
    <message>
        <source>The file could not be opened ({why}): {path}</source>
        <translation>Die Datei konnte nicht geöffnet werden ({why}): {path}</translation>
    </message>
    <message>
        <source>The audio in this file is corrupt and cannot be decoded: {path}</source>
        <translation>Der Ton in dieser Datei ist beschädigt und kann nicht dekodiert werden: {path}</translation>
    </message>
    <message>
        <source>The audio could not be decoded ({why}): {path}</source>
        <translation>Der Ton konnte nicht dekodiert werden ({why}): {path}</translation>
    </message>
    <message>
        <source>The file holds no decodable audio: {path}</source>
        <translation>Die Datei enthält keinen dekodierbaren Ton: {path}</translation>
    </message>
    <message>
        <source>The file is truncated: it should last {expected} s but only {decoded} s could be read: {path}</source>
        <translation>Die Datei ist abgeschnitten: Sie sollte {expected} s dauern, aber nur {decoded} s konnten gelesen werden: {path}</translation>
    </message>
    <message>
        <source>No speech was found in this recording.</source>
        <translation>In dieser Aufnahme wurde keine Sprache gefunden.</translation>
    </message>
    <message>
        <source>No words were recognised in this recording, but 1 speaker could be heard for {seconds} s in all (their turns are listed in the transcript and in the JSON export). A larger speech model may hear the words: download one in Settings › Models (or with 'earmark models'), such as {first} or {second}, choose it as the speech model and transcribe the recording again.</source>
        <translation>In dieser Aufnahme wurden keine Wörter erkannt, aber 1 Sprecher war insgesamt {seconds} s lang zu hören (seine Redeanteile stehen im Transkript und im JSON-Export). Ein größeres Sprachmodell hört die Wörter vielleicht: Laden Sie eines unter Einstellungen › Modelle (oder mit 'earmark models') herunter, etwa {first} oder {second}, wählen Sie es als Sprachmodell und transkribieren Sie die Aufnahme erneut.</translation>
    </message>
    <message>
        <source>No words were recognised in this recording, but {count} speakers could be heard for {seconds} s in all (their turns are listed in the transcript and in the JSON export). A larger speech model may hear the words: download one in Settings › Models (or with 'earmark models'), such as {first} or {second}, choose it as the speech model and transcribe the recording again.</source>
        <translation>In dieser Aufnahme wurden keine Wörter erkannt, aber {count} Sprecher waren insgesamt {seconds} s lang zu hören (ihre Redeanteile stehen im Transkript und im JSON-Export). Ein größeres Sprachmodell hört die Wörter vielleicht: Laden Sie eines unter Einstellungen › Modelle (oder mit 'earmark models') herunter, etwa {first} oder {second}, wählen Sie es als Sprachmodell und transkribieren Sie die Aufnahme erneut.</translation>
    </message>
    <message>
        <source>{seconds} s of speech sounds like {language}, which {model} (English only) cannot transcribe; choose the speech model '{multilingual}' (multilingual, bundled) to transcribe it.</source>
        <translation>{seconds} s Sprache klingen nach {language}, das {model} (nur Englisch) nicht transkribieren kann; wählen Sie das Sprachmodell „{multilingual}“ (mehrsprachig, mitgeliefert), um sie zu transkribieren.</translation>
    </message>
    <message>
        <source>Transcription took longer than the time limit and was stopped.</source>
        <translation>Die Transkription dauerte länger als das Zeitlimit und wurde angehalten.</translation>
    </message>
    <message>
        <source>The translation took longer than the time limit and was stopped.</source>
        <translation>Die Übersetzung dauerte länger als das Zeitlimit und wurde angehalten.</translation>
    </message>
    <message>
        <source>The summary took longer than the time limit and was stopped.</source>
        <translation>Die Zusammenfassung dauerte länger als das Zeitlimit und wurde angehalten.</translation>
    </message>
    <message>
        <source>Finding the speakers took longer than the time limit and was stopped.</source>
        <translation>Die Sprechersuche dauerte länger als das Zeitlimit und wurde angehalten.</translation>
    </message>
    <message>
        <source>The audio of this part is no longer in the queue (it waited more than a day); retry the job to send it again.</source>
        <translation>Der Ton dieses Teils ist nicht mehr in der Warteschlange (er wartete länger als einen Tag); wiederholen Sie den Auftrag, um ihn erneut zu senden.</translation>
    </message>
    <message>
        <source>The speech model at {path} could not be loaded: {why}</source>
        <translation>Das Sprachmodell unter {path} konnte nicht geladen werden: {why}</translation>
    </message>
    <message>
        <source>The model {model} understands English only; choose a multilingual model (such as 'base') for '{language}'.</source>
        <translation>Das Modell {model} versteht nur Englisch; wählen Sie für „{language}“ ein mehrsprachiges Modell (etwa „base“).</translation>
    </message>
    <message>
        <source>Translating speech to English needs a multilingual speech model; {model} is English-only. Choose 'base' in the settings.</source>
        <translation>Sprache ins Englische zu übersetzen braucht ein mehrsprachiges Sprachmodell; {model} kann nur Englisch. Wählen Sie in den Einstellungen „base“.</translation>
    </message>
    <message>
        <source>The bundled speech model is missing: reinstall Earmark (package {package}).</source>
        <translation>Das mitgelieferte Sprachmodell fehlt: Installieren Sie Earmark neu (Paket {package}).</translation>
    </message>
    <message>
        <source>The multilingual speech model is missing: reinstall Earmark (package {package}), or choose a model folder in the settings.</source>
        <translation>Das mehrsprachige Sprachmodell fehlt: Installieren Sie Earmark neu (Paket {package}) oder wählen Sie in den Einstellungen einen Modellordner.</translation>
    </message>
    <message>
        <source>The multilingual speech model is incomplete: reinstall Earmark (packages {packages}).</source>
        <translation>Das mehrsprachige Sprachmodell ist unvollständig: Installieren Sie Earmark neu (Pakete {packages}).</translation>
    </message>
    <message>
        <source>Speech model folder not found: {path}</source>
        <translation>Ordner des Sprachmodells nicht gefunden: {path}</translation>
    </message>
    <message>
        <source>Not a faster-whisper model folder (missing {missing}): {path}</source>
        <translation>Kein faster-whisper-Modellordner (es fehlt {missing}): {path}</translation>
    </message>
    <message>
        <source>Unknown speech model '{name}': choose the bundled model, a local model folder, or one of {known}.</source>
        <translation>Unbekanntes Sprachmodell „{name}“: Wählen Sie das mitgelieferte Modell, einen lokalen Modellordner oder eines von {known}.</translation>
    </message>
    <message>
        <source>Speech model '{name}' is not on this machine and could not be downloaded by a worker: download it first in Settings › Models or with 'earmark models download {name}', or use the bundled model or a local model folder.</source>
        <translation>Das Sprachmodell „{name}“ ist nicht auf diesem Rechner und konnte von einem Worker nicht heruntergeladen werden: Laden Sie es zuerst unter Einstellungen › Modelle oder mit 'earmark models download {name}' herunter, oder nutzen Sie das mitgelieferte Modell oder einen lokalen Modellordner.</translation>
    </message>
    <message>
        <source>The summary model '{name}' is not downloaded: download it in Settings › Models or with 'earmark models download {name}'.</source>
        <translation>Das Zusammenfassungsmodell „{name}“ ist nicht heruntergeladen: Laden Sie es unter Einstellungen › Modelle oder mit 'earmark models download {name}' herunter.</translation>
    </message>
    <message>
        <source>Summary model file not found: {path}</source>
        <translation>Datei des Zusammenfassungsmodells nicht gefunden: {path}</translation>
    </message>
    <message>
        <source>The summary model {path} could not be loaded: {why}</source>
        <translation>Das Zusammenfassungsmodell {path} konnte nicht geladen werden: {why}</translation>
    </message>
    <message>
        <source>The bundled summary model is missing: reinstall Earmark (package {package}), or choose a GGUF file in the settings.</source>
        <translation>Das mitgelieferte Zusammenfassungsmodell fehlt: Installieren Sie Earmark neu (Paket {package}) oder wählen Sie in den Einstellungen eine GGUF-Datei.</translation>
    </message>
    <message>
        <source>No GGUF file in the package {package}; choose one in the settings.</source>
        <translation>Keine GGUF-Datei im Paket {package}; wählen Sie eine in den Einstellungen.</translation>
    </message>
    <message>
        <source>The summary engine's CPU code {name} could not be loaded.</source>
        <translation>Der CPU-Code {name} der Zusammenfassung konnte nicht geladen werden.</translation>
    </message>
    <message>
        <source>The summary engine cannot run on this computer: every build of its CPU code stopped with an error ({tried}). Reinstall Earmark with the README's install command, which builds a portable engine.</source>
        <translation>Die Zusammenfassung kann auf diesem Rechner nicht laufen: Jede Fassung ihres CPU-Codes brach mit einem Fehler ab ({tried}). Installieren Sie Earmark mit dem Installationsbefehl aus dem README neu; er baut eine portable Fassung.</translation>
    </message>
    <message>
        <source>The speaker model is missing from this installation ({path}). Reinstalling Earmark puts it back.</source>
        <translation>Das Sprechermodell fehlt in dieser Installation ({path}). Eine Neuinstallation von Earmark stellt es wieder her.</translation>
    </message>
    <message>
        <source>This summary template has no sections: give each one a '## Heading' line followed by its instruction.</source>
        <translation>Diese Zusammenfassungsvorlage hat keine Abschnitte: Geben Sie jedem eine Zeile '## Überschrift', gefolgt von seiner Anweisung.</translation>
    </message>
    <message>
        <source>Unknown summary engine '{name}' (choose {choices}).</source>
        <translation>Unbekannte Zusammenfassungsart „{name}“ (wählen Sie {choices}).</translation>
    </message>
    <message>
        <source>Choose a language to translate into.</source>
        <translation>Wählen Sie eine Sprache, in die übersetzt werden soll.</translation>
    </message>
    <message>
        <source>No summary template named '{name}' (have: {have})</source>
        <translation>Keine Zusammenfassungsvorlage namens „{name}“ (vorhanden: {have})</translation>
    </message>
    <message>
        <source>Could not download {url}: {why}.</source>
        <translation>{url} konnte nicht heruntergeladen werden: {why}.</translation>
    </message>
    <message>
        <source>Could not download {url}: there is no recording there.</source>
        <translation>{url} konnte nicht heruntergeladen werden: Dort ist keine Aufnahme.</translation>
    </message>
    <message>
        <source>Could not download {url}: nothing was saved.</source>
        <translation>{url} konnte nicht heruntergeladen werden: Es wurde nichts gespeichert.</translation>
    </message>
    <message>
        <source>The download of {url} was cancelled.</source>
        <translation>Der Download von {url} wurde abgebrochen.</translation>
    </message>
    <message>
        <source>The download of {url} stopped when Earmark did; add the link again.</source>
        <translation>Der Download von {url} brach ab, als Earmark beendet wurde; fügen Sie den Link erneut hinzu.</translation>
    </message>
    <message>
        <source>The bundled translation model (SmolLM2-135M) scored {score} of 100 on Earmark's test translation, below the {floor} a usable translation needs: expect wrong and untranslated sentences. Whisper 'base' turning speech into English scored no better ({base_score}); a larger summary model (Settings › Models) is the way to a better translation, though none has been scored yet.</source>
        <translation>Das mitgelieferte Übersetzungsmodell (SmolLM2-135M) erreichte {score} von 100 Punkten in Earmarks Testübersetzung, weniger als die {floor}, die eine brauchbare Übersetzung braucht: Rechnen Sie mit falschen und unübersetzten Sätzen. Whisper „base“ erreichte beim Übersetzen von Sprache ins Englische nicht mehr ({base_score}); besser übersetzen kann ein größeres Zusammenfassungsmodell (Einstellungen › Modelle), auch wenn noch keines gemessen wurde.</translation>
    </message>
    <message>
        <source>Whisper '{model}' scored {score} of 100 translating speech to English on Earmark's test recording, below the {floor} a usable translation needs: expect missing and wrong sentences. A larger multilingual speech model (Settings › Models: small or medium) is the way to a better translation, though none has been scored yet.</source>
        <translation>Whisper „{model}“ erreichte {score} von 100 Punkten beim Übersetzen von Sprache ins Englische auf Earmarks Testaufnahme, weniger als die {floor}, die eine brauchbare Übersetzung braucht: Rechnen Sie mit fehlenden und falschen Sätzen. Besser übersetzen kann ein größeres mehrsprachiges Sprachmodell (Einstellungen › Modelle: small oder medium), auch wenn noch keines gemessen wurde.</translation>
    </message>
    <message>
        <source>{engine} crashed ({cause}) {times} on {works_on}, so Earmark stopped trying.{kept}{hint} The other files are not affected.</source>
        <translation>{engine} ist {count}-mal abgestürzt ({cause}) bei {works_on}; Earmark hat es deshalb aufgegeben.{kept}{hint} Die anderen Dateien sind nicht betroffen.</translation>
    </message>
    <message>
        <source>This task was not sent by the Earmark this worker serves, so it was refused and nothing was run.</source>
        <translation>Diese Aufgabe wurde nicht von dem Earmark gesendet, dem dieser Worker dient; sie wurde deshalb abgewiesen und nichts wurde ausgeführt.</translation>
    </message>
    <message>
        <source>The result for this part does not fit what was asked ({what}), so it was refused and nothing of it was kept. Retry the job; if a helper sent it, remove that helper.</source>
        <translation>Das Ergebnis für diesen Teil passt nicht zu dem, was verlangt war ({what}); es wurde deshalb abgewiesen und nichts davon behalten. Wiederholen Sie den Auftrag; wenn ein Helfer es geschickt hat, entfernen Sie diesen Helfer.</translation>
    </message>
    <message>
        <source>{why} (the part at {where}; the other parts are kept)</source>
        <translation>{why} (der Teil bei {where}; die anderen Teile bleiben erhalten)</translation>
    </message>
    <message>
        <source>Unexpected error ({kind}): {why}</source>
        <translation>Unerwarteter Fehler ({kind}): {why}</translation>
    </message>
    <message>
        <source>{stages} cancelled; the transcript is done.</source>
        <translation>Abgebrochen: {stages}; das Transkript ist fertig.</translation>
    </message>
</context>
<context>
    <name>Model</name>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="527" />
        <source>speech</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="527" />
        <source>summary</source>
        <translation>Zusammenfassung</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="528" />
        <source>bundled</source>
        <translation>mitgeliefert</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="528" />
        <source>installed</source>
        <translation>installiert</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="529" />
        <source>partial</source>
        <translation>unvollständig</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="529" />
        <source>not downloaded</source>
        <translation>nicht heruntergeladen</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="530" />
        <source>Downloads are turned off (HF_HUB_OFFLINE is set); unset it to download models.</source>
        <translation>Downloads sind ausgeschaltet (HF_HUB_OFFLINE ist gesetzt); entfernen Sie es, um Modelle herunterzuladen.</translation>
    </message>
    <message>
        <source>English only; bundled (the default)</source>
        <translation>nur Englisch; mitgeliefert (Standard)</translation>
    </message>
    <message>
        <source>multilingual; bundled</source>
        <translation>mehrsprachig; mitgeliefert</translation>
    </message>
    <message>
        <source>SmolLM2-135M; bundled (notes need no model: see summary_engine)</source>
        <translation>SmolLM2-135M; mitgeliefert (Notizen brauchen kein Modell: siehe summary_engine)</translation>
    </message>
    <message>
        <source>multilingual; fastest, least accurate</source>
        <translation>mehrsprachig; am schnellsten, am ungenauesten</translation>
    </message>
    <message>
        <source>multilingual; ~3x slower than base, clearly more accurate</source>
        <translation>mehrsprachig; etwa 3× langsamer als base, deutlich genauer</translation>
    </message>
    <message>
        <source>English only; a good step up from the bundled tiny.en</source>
        <translation>nur Englisch; ein guter Schritt über das mitgelieferte tiny.en hinaus</translation>
    </message>
    <message>
        <source>multilingual; accurate, slow on CPU</source>
        <translation>mehrsprachig; genau, langsam auf der CPU</translation>
    </message>
    <message>
        <source>multilingual; near the best accuracy, fast on a GPU</source>
        <translation>mehrsprachig; fast die beste Genauigkeit, schnell auf einer GPU</translation>
    </message>
    <message>
        <source>English; large-v3's accuracy about 6x faster</source>
        <translation>Englisch; die Genauigkeit von large-v3, etwa 6× schneller</translation>
    </message>
    <message>
        <source>English; fast and accurate on CPU</source>
        <translation>Englisch; schnell und genau auf der CPU</translation>
    </message>
    <message>
        <source>0.5B parameters (the bundled model: 135M), multilingual; quick</source>
        <translation>0,5 Mrd. Parameter (das mitgelieferte Modell: 135 Mio.), mehrsprachig; schnell</translation>
    </message>
    <message>
        <source>1.5B parameters, multilingual; moderate speed</source>
        <translation>1,5 Mrd. Parameter, mehrsprachig; mittlere Geschwindigkeit</translation>
    </message>
    <message>
        <source>1B parameters; quick</source>
        <translation>1 Mrd. Parameter; schnell</translation>
    </message>
    <message>
        <source>3B parameters, the largest here; slow on 2 cores</source>
        <translation>3 Mrd. Parameter, das größte hier; langsam auf 2 Kernen</translation>
    </message>
    <message>
        <source>2B parameters, multilingual</source>
        <translation>2 Mrd. Parameter, mehrsprachig</translation>
    </message>
</context>
<context>
    <name>ModelField</name>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="143" />
        <source>bundled</source>
        <translation>mitgeliefert</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="144" />
        <source>downloaded</source>
        <translation>heruntergeladen</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation type="vanished">Auswählen…</translation>
    </message>
    <message>
        <source>Choose a model folder</source>
        <translation type="vanished">Einen Modellordner wählen</translation>
    </message>
</context>
<context>
    <name>ModelsWidget</name>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="543" />
        <source>Models</source>
        <translation>Modelle</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="544" />
        <source>Download</source>
        <translation>Herunterladen</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="545" />
        <source>Cancel download</source>
        <translation>Download abbrechen</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="546" />
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="547" />
        <source>Use</source>
        <translation>Verwenden</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="550" />
        <source>Models are downloaded only when you ask; everything else works offline.</source>
        <translation>Modelle werden nur auf Ihren Wunsch heruntergeladen; alles andere funktioniert offline.</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="617" />
        <source>Downloading {0}…</source>
        <translation>{0} wird heruntergeladen…</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="629" />
        <source>The download failed: {0}</source>
        <translation>Der Download ist fehlgeschlagen: {0}</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="647" />
        <source>Downloading {0}… {1:.0f} of {2:.0f} MB</source>
        <translation>{0} wird heruntergeladen… {1:.0f} von {2:.0f} MB</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="657" />
        <source>Download without a checksum?</source>
        <translation>Ohne Prüfsumme herunterladen?</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="658" />
        <source>Download it anyway, trusting this server?</source>
        <translation>Trotzdem herunterladen und diesem Server vertrauen?</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="663" />
        <source>{0} is downloaded. Press Use to transcribe or summarize with it.</source>
        <translation>{0} ist heruntergeladen. Mit „Verwenden“ transkribieren oder fassen Sie damit zusammen.</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="671" />
        <source>{0} was deleted.</source>
        <translation>{0} wurde gelöscht.</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="682" />
        <source>{0} will be used from the next job (press OK to keep it).</source>
        <translation>{0} wird ab dem nächsten Auftrag verwendet (mit OK übernehmen).</translation>
    </message>
</context>
<context>
    <name>PathField</name>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="59" />
        <source>Choose…</source>
        <translation>Auswählen…</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="80" />
        <source>Choose a folder</source>
        <translation>Einen Ordner wählen</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="82" />
        <source>Choose a file</source>
        <translation>Eine Datei wählen</translation>
    </message>
</context>
<context>
    <name>PeopleDialog</name>
    <message>
        <location filename="../../app/gui/people_dialog.py" line="18" />
        <source>People</source>
        <translation>Personen</translation>
    </message>
    <message>
        <location filename="../../app/gui/people_dialog.py" line="20" />
        <source>People whose voices Earmark knows</source>
        <translation>Personen, deren Stimmen Earmark kennt</translation>
    </message>
    <message>
        <location filename="../../app/gui/people_dialog.py" line="22" />
        <source>Rename…</source>
        <translation>Umbenennen…</translation>
    </message>
    <message>
        <location filename="../../app/gui/people_dialog.py" line="23" />
        <source>Merge into…</source>
        <translation>Zusammenführen mit…</translation>
    </message>
    <message>
        <location filename="../../app/gui/people_dialog.py" line="24" />
        <location filename="../../app/gui/people_dialog.py" line="95" />
        <source>Forget</source>
        <translation>Vergessen</translation>
    </message>
    <message>
        <location filename="../../app/gui/people_dialog.py" line="28" />
        <source>Name a speaker in a transcript and Earmark remembers their voice: the next recordings label it with that name. Forgetting a person deletes their voice data.</source>
        <translation>Geben Sie einem Sprecher in einem Transkript einen Namen, und Earmark merkt sich seine Stimme: In den nächsten Aufnahmen trägt sie diesen Namen. Wer vergessen wird, dessen Stimmdaten werden gelöscht.</translation>
    </message>
    <message>
        <location filename="../../app/gui/people_dialog.py" line="48" />
        <source>{0} — 1 recording</source>
        <translation>{0} — 1 Aufnahme</translation>
    </message>
    <message>
        <location filename="../../app/gui/people_dialog.py" line="49" />
        <source>{0} — {1} recordings</source>
        <translation>{0} — {1} Aufnahmen</translation>
    </message>
    <message>
        <source>{0} — {1} recording(s)</source>
        <translation type="vanished">{0} — {1} Aufnahme(n)</translation>
    </message>
    <message>
        <location filename="../../app/gui/people_dialog.py" line="53" />
        <source>No one yet: name a speaker in a transcript.</source>
        <translation>Noch niemand: Geben Sie einem Sprecher in einem Transkript einen Namen.</translation>
    </message>
    <message>
        <location filename="../../app/gui/people_dialog.py" line="71" />
        <source>Rename</source>
        <translation>Umbenennen</translation>
    </message>
    <message>
        <location filename="../../app/gui/people_dialog.py" line="71" />
        <source>New name:</source>
        <translation>Neuer Name:</translation>
    </message>
    <message>
        <location filename="../../app/gui/people_dialog.py" line="83" />
        <source>Merge</source>
        <translation>Zusammenführen</translation>
    </message>
    <message>
        <location filename="../../app/gui/people_dialog.py" line="83" />
        <source>{0} is the same person as:</source>
        <translation>{0} ist dieselbe Person wie:</translation>
    </message>
    <message>
        <location filename="../../app/gui/people_dialog.py" line="95" />
        <source>Forget {0}? Their voice data is deleted; the names in your transcripts stay.</source>
        <translation>{0} vergessen? Die Stimmdaten werden gelöscht; die Namen in Ihren Transkripten bleiben.</translation>
    </message>
</context>
<context>
    <name>ProgressDelegate</name>
    <message>
        <location filename="../../app/gui/main_window.py" line="71" />
        <source>working…</source>
        <translation>in Arbeit…</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="73" />
        <source>paused at {0}</source>
        <translation>angehalten bei {0}</translation>
    </message>
</context>
<context>
    <name>QueuePanel</name>
    <message>
        <location filename="../../app/gui/queue_panel/panel.py" line="36" />
        <source>Workers</source>
        <translation>Worker</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/panel.py" line="37" />
        <source>Queues</source>
        <translation>Warteschlangen</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/panel.py" line="38" />
        <source>Tasks</source>
        <translation>Aufgaben</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/panel.py" line="39" />
        <source>Statistics</source>
        <translation>Statistik</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/panel.py" line="41" />
        <source>Copy broker URL</source>
        <translation>Broker-URL kopieren</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/panel.py" line="42" />
        <source>For celery inspect, celery events or Flower: the URL includes the broker's password</source>
        <translation>Für celery inspect, celery events oder Flower: die URL enthält das Passwort des Brokers</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/panel.py" line="128" />
        <source>Updated {0}</source>
        <translation>Aktualisiert {0}</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/panel.py" line="133" />
        <source>The broker is not running yet.</source>
        <translation>Der Broker läuft noch nicht.</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/panel.py" line="136" />
        <source>Broker URL copied: use it with celery -b URL inspect/events, or Flower (it contains the password; keep it to yourself).</source>
        <translation>Broker-URL kopiert: für celery -b URL inspect/events oder Flower (sie enthält das Passwort; behalten Sie sie für sich).</translation>
    </message>
</context>
<context>
    <name>QueuesTab</name>
    <message>
        <location filename="../../app/gui/queue_panel/queues_tab.py" line="36" />
        <source>Queues</source>
        <translation>Warteschlangen</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/queues_tab.py" line="38" />
        <source>Tasks finished per minute, last hour</source>
        <translation>Beendete Aufgaben pro Minute, letzte Stunde</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/queues_tab.py" line="39" />
        <source>Mean wait and run time per minute (s), last hour</source>
        <translation>Mittlere Warte- und Laufzeit pro Minute (s), letzte Stunde</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/queues_tab.py" line="77" />
        <source>wait</source>
        <translation>Wartezeit</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/queues_tab.py" line="78" />
        <source>run</source>
        <translation>Laufzeit</translation>
    </message>
</context>
<context>
    <name>RecordPanel</name>
    <message>
        <location filename="../../app/gui/record_panel.py" line="54" />
        <source>Input to record</source>
        <translation>Aufzunehmender Eingang</translation>
    </message>
    <message>
        <location filename="../../app/gui/record_panel.py" line="55" />
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <location filename="../../app/gui/record_panel.py" line="57" />
        <location filename="../../app/gui/record_panel.py" line="208" />
        <source>Record</source>
        <translation>Aufnehmen</translation>
    </message>
    <message>
        <location filename="../../app/gui/record_panel.py" line="63" />
        <source>Input level</source>
        <translation>Eingangspegel</translation>
    </message>
    <message>
        <location filename="../../app/gui/record_panel.py" line="65" />
        <source>Time recorded</source>
        <translation>Aufgenommene Zeit</translation>
    </message>
    <message>
        <location filename="../../app/gui/record_panel.py" line="69" />
        <source>Live text</source>
        <translation>Live-Text</translation>
    </message>
    <message>
        <location filename="../../app/gui/record_panel.py" line="70" />
        <source>The text appears here as it is spoken, each line once it is final. To record a call, choose the monitor of the output it plays on.</source>
        <translation>Der Text erscheint hier, während gesprochen wird, jede Zeile, sobald sie feststeht. Um ein Gespräch aufzunehmen, wählen Sie den Monitor der Ausgabe, auf der es läuft.</translation>
    </message>
    <message>
        <location filename="../../app/gui/record_panel.py" line="122" />
        <source>No sound server answers, so there is nothing to record from: recording needs PulseAudio or PipeWire's pulse server and the tools of pulseaudio-utils.</source>
        <translation>Kein Soundserver antwortet, daher gibt es nichts aufzunehmen: die Aufnahme braucht PulseAudio oder den Pulse-Server von PipeWire und die Werkzeuge aus pulseaudio-utils.</translation>
    </message>
    <message>
        <location filename="../../app/gui/record_panel.py" line="125" />
        <source>{0} (what the computer plays)</source>
        <translation>{0} (was der Computer abspielt)</translation>
    </message>
    <message>
        <location filename="../../app/gui/record_panel.py" line="153" />
        <source>Stop</source>
        <translation>Stopp</translation>
    </message>
    <message>
        <location filename="../../app/gui/record_panel.py" line="155" />
        <source>Loading the speech model…</source>
        <translation>Das Sprachmodell wird geladen …</translation>
    </message>
    <message>
        <location filename="../../app/gui/record_panel.py" line="169" />
        <source>No live text ({0}); the recording goes on.</source>
        <translation>Kein Live-Text ({0}); die Aufnahme läuft weiter.</translation>
    </message>
    <message>
        <location filename="../../app/gui/record_panel.py" line="177" />
        <source>Nothing was recorded.</source>
        <translation>Es wurde nichts aufgenommen.</translation>
    </message>
    <message>
        <location filename="../../app/gui/record_panel.py" line="179" />
        <source>Recorded {0}; the whole recording is transcribed now as {1}.</source>
        <translation>{0} aufgenommen; die ganze Aufnahme wird jetzt als {1} transkribiert.</translation>
    </message>
    <message>
        <location filename="../../app/gui/record_panel.py" line="188" />
        <source>Stopping…</source>
        <translation>Wird beendet …</translation>
    </message>
    <message>
        <location filename="../../app/gui/record_panel.py" line="198" />
        <source>Recording: the text follows as it is spoken.</source>
        <translation>Aufnahme läuft: der Text folgt, während gesprochen wird.</translation>
    </message>
</context>
<context>
    <name>SegmentModel</name>
    <message>
        <location filename="../../app/gui/transcript_view.py" line="75" />
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <location filename="../../app/gui/transcript_view.py" line="75" />
        <source>Text</source>
        <translation>Text</translation>
    </message>
    <message>
        <location filename="../../app/gui/transcript_view.py" line="74" />
        <source>Translation ({0})</source>
        <translation>Übersetzung ({0})</translation>
    </message>
    <message>
        <location filename="../../app/gui/transcript_view.py" line="72" />
        <source>Speaker</source>
        <translation>Sprecher</translation>
    </message>
    <message>
        <location filename="../../app/gui/transcript_view.py" line="87" />
        <source>{0} could be heard from {1} to {2}, but no words were recognised. Click to play it.</source>
        <translation>{0} war von {1} bis {2} zu hören, aber es wurden keine Wörter erkannt. Zum Abspielen klicken.</translation>
    </message>
    <message>
        <location filename="../../app/gui/transcript_view.py" line="113" />
        <source>Edited. Original: {0}</source>
        <translation>Bearbeitet. Original: {0}</translation>
    </message>
    <message>
        <location filename="../../app/gui/transcript_view.py" line="120" />
        <source>(no words recognised)</source>
        <translation>(keine Wörter erkannt)</translation>
    </message>
    <message>
        <location filename="../../app/gui/transcript_view.py" line="140" />
        <source>Recognised by voice (similarity {0}). Type a name to correct it.</source>
        <translation>An der Stimme erkannt (Ähnlichkeit {0}). Tippen Sie einen Namen, um ihn zu korrigieren.</translation>
    </message>
    <message>
        <source>Recognised by voice (similarity {0:.2f}). Type a name to correct it.</source>
        <translation type="vanished">An der Stimme erkannt (Ähnlichkeit {0:.2f}). Tippen Sie einen Namen, um ihn zu korrigieren.</translation>
    </message>
    <message>
        <location filename="../../app/gui/transcript_view.py" line="143" />
        <source>Type a name: it names this speaker in the whole transcript</source>
        <translation>Tippen Sie einen Namen: Er gilt für diesen Sprecher im ganzen Transkript</translation>
    </message>
</context>
<context>
    <name>Setting</name>
    <message>
        <source>Speech</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <source>Summaries</source>
        <translation>Zusammenfassungen</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Export</translation>
    </message>
    <message>
        <source>Advanced</source>
        <translation>Erweitert</translation>
    </message>
    <message>
        <source>Speech model: bundled (tiny.en, English), base (bundled, multilingual), a model folder, or a name</source>
        <translation>Sprachmodell: bundled (tiny.en, Englisch), base (mitgeliefert, mehrsprachig), ein Modellordner oder ein Name</translation>
    </message>
    <message>
        <source>Language of the speech (empty: detect)</source>
        <translation>Sprache der Aufnahme (leer: erkennen)</translation>
    </message>
    <message>
        <source>Speech: transcribe as spoken, or translate to English (needs a multilingual model such as base)</source>
        <translation>Sprache: wie gesprochen transkribieren oder ins Englische übersetzen (braucht ein mehrsprachiges Modell wie base)</translation>
    </message>
    <message>
        <source>Beam size (5 keeps long files accurate)</source>
        <translation>Beam-Breite (5 hält lange Dateien genau)</translation>
    </message>
    <message>
        <source>Skip silence with voice activity detection</source>
        <translation>Stille per Spracherkennung überspringen</translation>
    </message>
    <message>
        <source>Keep a timestamp for every word</source>
        <translation>Für jedes Wort eine Zeitmarke behalten</translation>
    </message>
    <message>
        <source>Words to expect: names and terms the model should spell as you do (e.g. ComfyUI, Kubernetes; empty: none)</source>
        <translation>Erwartete Wörter: Namen und Begriffe, die das Modell wie Sie schreiben soll (z. B. ComfyUI, Kubernetes; leer: keine)</translation>
    </message>
    <message>
        <source>CPU threads for speech (0: all cores)</source>
        <translation>CPU-Threads für Sprache (0: alle Kerne)</translation>
    </message>
    <message>
        <source>Batched inference on recordings over a minute (about 1.4× faster, a little less accurate; progress between batches is estimated)</source>
        <translation>Stapelweise Erkennung bei Aufnahmen über einer Minute (etwa 1,4× schneller, etwas ungenauer; der Fortschritt zwischen den Stapeln ist geschätzt)</translation>
    </message>
    <message>
        <source>Transcribe recordings at least this long in chunks (resumable, paused and resumed at will), minutes</source>
        <translation>Aufnahmen ab dieser Länge in Teilen transkribieren (fortsetzbar, nach Belieben anhalten und fortsetzen), Minuten</translation>
    </message>
    <message>
        <source>Length of a chunk, minutes (0: about 5)</source>
        <translation>Länge eines Teils, Minuten (0: etwa 5)</translation>
    </message>
    <message>
        <source>Write notes for each transcript (grounded: every line was said)</source>
        <translation>Notizen zu jedem Transkript schreiben (belegt: jede Zeile wurde gesagt)</translation>
    </message>
    <message>
        <source>Notes: grounded (the sentences said, linked to their time; no model, invents nothing), grounded+llm (the summary model condenses them, checked against the recording), llm (the model writes freely: may invent)</source>
        <translation>Notizen: grounded (die gesagten Sätze, mit ihrer Zeit verknüpft; kein Modell, erfindet nichts), grounded+llm (das Zusammenfassungsmodell verdichtet sie, gegen die Aufnahme geprüft), llm (das Modell schreibt frei: kann erfinden)</translation>
    </message>
    <message>
        <source>Summary template (a built-in name or one of yours)</source>
        <translation>Vorlage für Zusammenfassungen (eine eingebaute oder eine eigene)</translation>
    </message>
    <message>
        <source>Also translate each transcript into this language with the LLM (e.g. fr, German; empty: no)</source>
        <translation>Jedes Transkript zusätzlich mit dem Sprachmodell in diese Sprache übersetzen (z. B. fr, Deutsch; leer: nein)</translation>
    </message>
    <message>
        <source>Summary model: bundled SmolLM2-135M, or a GGUF file (larger is better)</source>
        <translation>Zusammenfassungsmodell: mitgeliefertes SmolLM2-135M oder eine GGUF-Datei (größer ist besser)</translation>
    </message>
    <message>
        <source>How much of a transcript the summary model reads at once (tokens; more needs more memory)</source>
        <translation>Wie viel eines Transkripts das Zusammenfassungsmodell auf einmal liest (Tokens; mehr braucht mehr Speicher)</translation>
    </message>
    <message>
        <source>CPU threads for summaries (0: all cores)</source>
        <translation>CPU-Threads für Zusammenfassungen (0: alle Kerne)</translation>
    </message>
    <message>
        <source>Use a Redis server elsewhere for the queue (its redis:// URL; empty: Earmark's own)</source>
        <translation>Einen Redis-Server anderswo für die Warteschlange nutzen (seine redis://-URL; leer: der eigene von Earmark)</translation>
    </message>
    <message>
        <source>Also listen on 127.0.0.1 at this port (0: unix socket only)</source>
        <translation>Zusätzlich auf 127.0.0.1 an diesem Port lauschen (0: nur Unix-Socket)</translation>
    </message>
    <message>
        <source>How long to let running tasks finish at exit</source>
        <translation>Wie lange laufende Aufgaben beim Beenden fertig werden dürfen</translation>
    </message>
    <message>
        <source>Default export formats, comma-separated</source>
        <translation>Standard-Exportformate, durch Kommas getrennt</translation>
    </message>
    <message>
        <source>Default export folder (empty: beside each recording)</source>
        <translation>Standard-Exportordner (leer: neben jeder Aufnahme)</translation>
    </message>
    <message>
        <source>Export automatically when a job is done</source>
        <translation>Automatisch exportieren, wenn ein Auftrag fertig ist</translation>
    </message>
    <message>
        <source>Subtitles: at most this many characters a line</source>
        <translation>Untertitel: höchstens so viele Zeichen pro Zeile</translation>
    </message>
    <message>
        <source>Subtitles: at most this many lines a cue</source>
        <translation>Untertitel: höchstens so viele Zeilen pro Einblendung</translation>
    </message>
    <message>
        <source>Subtitles: each cue shows at least this long, seconds</source>
        <translation>Untertitel: jede Einblendung steht mindestens so lange, Sekunden</translation>
    </message>
    <message>
        <source>Subtitles: each cue shows at most this long, seconds</source>
        <translation>Untertitel: jede Einblendung steht höchstens so lange, Sekunden</translation>
    </message>
    <message>
        <source>Keep running in the tray while jobs remain</source>
        <translation>Im Infobereich weiterlaufen, solange Aufträge offen sind</translation>
    </message>
    <message>
        <source>Who spoke when: off, auto, a number of speakers, or a range such as 2-4</source>
        <translation>Wer wann spricht: off, auto, eine Anzahl Sprecher oder ein Bereich wie 2-4</translation>
    </message>
    <message>
        <source>Recognise a remembered voice from this similarity (0-1; higher: fewer names, fewer mistakes)</source>
        <translation>Eine bekannte Stimme ab dieser Ähnlichkeit erkennen (0-1; höher: weniger Namen, weniger Fehler)</translation>
    </message>
    <message>
        <source>Helpers</source>
        <translation>Helfer</translation>
    </message>
    <message>
        <source>Let other machines help: listen for them on this address and port (such as 0.0.0.0:6380; empty: off)</source>
        <translation>Andere Rechner helfen lassen: auf dieser Adresse und diesem Port auf sie warten (etwa 0.0.0.0:6380; leer: aus)</translation>
    </message>
    <message>
        <source>Work this machine does itself (empty: it only hands work to helpers)</source>
        <translation>Arbeit, die dieser Rechner selbst erledigt (leer: er verteilt nur Arbeit an Helfer)</translation>
    </message>
    <message>
        <source>API</source>
        <translation>API</translation>
    </message>
    <message>
        <source>Speech sampling temperature (0: the most likely words, raised step by step only where a passage comes out garbled; 0.1-1: sample at it)</source>
        <translation>Sampling-Temperatur der Spracherkennung (0: die wahrscheinlichsten Wörter, nur bei unverständlichen Passagen schrittweise erhöht; 0,1–1: mit dieser Temperatur sampeln)</translation>
    </message>
    <message>
        <source>Let other programs use Earmark while the window is open (the local API: OpenAI's /v1/audio and the job contract)</source>
        <translation>Andere Programme Earmark nutzen lassen, solange das Fenster offen ist (die lokale API: OpenAIs /v1/audio und der Auftragsvertrag)</translation>
    </message>
    <message>
        <source>The API's address: a port, or address:port (empty: 127.0.0.1:8765; any address but this machine's own is served over TLS)</source>
        <translation>Adresse der API: ein Port oder Adresse:Port (leer: 127.0.0.1:8765; jede Adresse außer der dieses Rechners wird über TLS bedient)</translation>
    </message>
    <message>
        <source>Watch folder</source>
        <translation>Überwachter Ordner</translation>
    </message>
    <message>
        <source>Transcribe what lands in these folders and their subfolders (one or more, separated by ;)</source>
        <translation>Transkribieren, was in diesen Ordnern und ihren Unterordnern landet (einer oder mehrere, getrennt durch ;)</translation>
    </message>
    <message>
        <source>Write their transcripts to this folder, mirroring the subfolders (empty: next to each recording)</source>
        <translation>Die Transkripte in diesen Ordner schreiben, mit denselben Unterordnern (leer: neben jeder Aufnahme)</translation>
    </message>
    <message>
        <source>Their formats</source>
        <translation>Formate der Transkripte</translation>
    </message>
    <message>
        <source>Export the notes too, as Markdown (NAME.summary.md)</source>
        <translation>Auch die Notizen exportieren, als Markdown (NAME.summary.md)</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="158" />
        <source>Detect automatically</source>
        <translation>Automatisch erkennen</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="164" />
        <source>Off</source>
        <translation>Aus</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="164" />
        <source>Find them (any number)</source>
        <translation>Erkennen (beliebig viele)</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="165" />
        <source>{0} speakers</source>
        <translation>{0} Sprecher</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="166" />
        <source>2 to 4 speakers</source>
        <translation>2 bis 4 Sprecher</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="172" />
        <source>Transcribe as spoken</source>
        <translation>Transkribieren wie gesprochen</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="173" />
        <source>Translate to English</source>
        <translation>Ins Englische übersetzen</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="174" />
        <source>Grounded: the sentences said</source>
        <translation>Belegt: die gesagten Sätze</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="175" />
        <source>Grounded, condensed by the summary model</source>
        <translation>Belegt, vom Zusammenfassungsmodell gekürzt</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="177" />
        <source>Written by the summary model</source>
        <translation>Vom Zusammenfassungsmodell geschrieben</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="192" />
        <source>Who spoke when: off, find them (any number), a number of speakers, or a range such as 2-4</source>
        <translation>Wer wann spricht: aus, erkennen (beliebig viele), eine Anzahl Sprecher oder ein Bereich wie 2-4</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="195" />
        <source>Speech model: tiny.en (English) or base (multilingual), both bundled; a downloaded one, a model folder, or a name</source>
        <translation>Sprachmodell: tiny.en (Englisch) oder base (mehrsprachig), beide mitgeliefert; ein heruntergeladenes, ein Modellordner oder ein Name</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="230" />
        <source>No translation</source>
        <translation>Keine Übersetzung</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="248" />
        <source>GGUF models (*.gguf)</source>
        <translation>GGUF-Modelle (*.gguf)</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="318" />
        <source>Earmark settings</source>
        <translation>Earmark-Einstellungen</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="328" />
        <source>Models</source>
        <translation>Modelle</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="350" />
        <source>the platform's folder</source>
        <translation>der Ordner des Systems</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="351" />
        <source>Data folder</source>
        <translation>Datenordner</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="352" />
        <source>Data folder (used from the next start)</source>
        <translation>Datenordner (ab dem nächsten Start)</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="356" />
        <source>Join line</source>
        <translation>Beitrittszeile</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="358" />
        <location filename="../../app/gui/settings_dialog.py" line="481" />
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="373" />
        <source>Another helper</source>
        <translation>Weiterer Helfer</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="373" />
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="372" />
        <location filename="../../app/gui/settings_dialog.py" line="382" />
        <source>Helper</source>
        <translation>Helfer</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="383" />
        <source>On the other machine, type</source>
        <translation>Auf dem anderen Rechner eingeben</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="469" />
        <source>Install Earmark on the other machine and type this line there: it carries this machine's address, a secret and the fingerprint of its certificate, so the helper talks to this Earmark alone, encrypted. Audio travels through the queue; nothing needs to be shared.</source>
        <translation>Installieren Sie Earmark auf dem anderen Rechner und geben Sie dort diese Zeile ein: Sie enthält die Adresse dieses Rechners, ein Geheimnis und den Fingerabdruck seines Zertifikats, sodass der Helfer nur mit diesem Earmark spricht, verschlüsselt. Der Ton reist durch die Warteschlange; nichts muss geteilt werden.</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="472" />
        <source>Type an address above (such as 0.0.0.0:6380) to let other machines help; empty keeps the queue on this machine alone.</source>
        <translation>Geben Sie oben eine Adresse ein (etwa 0.0.0.0:6380), damit andere Rechner helfen können; leer bleibt die Warteschlange auf diesem Rechner allein.</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="480" />
        <source>API key</source>
        <translation>API-Schlüssel</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="483" />
        <source>Regenerate</source>
        <translation>Neu erzeugen</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="484" />
        <source>A new key, in force at once: programs using the old one are refused</source>
        <translation>Ein neuer Schlüssel, sofort gültig: Programme mit dem alten werden abgewiesen</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="492" />
        <source>Key (programs send it as 'Authorization: Bearer KEY')</source>
        <translation>Schlüssel (Programme senden ihn als 'Authorization: Bearer SCHLÜSSEL')</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="507" />
        <source>The API listens on {0} (its documentation: {0}/docs).</source>
        <translation>Die API lauscht auf {0} (ihre Dokumentation: {0}/docs).</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="509" />
        <source>The API is off: turn it on above and press OK.</source>
        <translation>Die API ist aus: schalten Sie sie oben ein und drücken Sie OK.</translation>
    </message>
</context>
<context>
    <name>Source</name>
    <message>
        <location filename="../../app/gui/jobs_model.py" line="70" />
        <source>window</source>
        <translation>Fenster</translation>
    </message>
    <message>
        <location filename="../../app/gui/jobs_model.py" line="70" />
        <source>command line</source>
        <translation>Befehlszeile</translation>
    </message>
    <message>
        <location filename="../../app/gui/jobs_model.py" line="71" />
        <source>api</source>
        <translation>API</translation>
    </message>
    <message>
        <location filename="../../app/gui/jobs_model.py" line="71" />
        <source>watch folder</source>
        <translation>Überwachter Ordner</translation>
    </message>
    <message>
        <location filename="../../app/gui/jobs_model.py" line="72" />
        <source>link</source>
        <translation>Link</translation>
    </message>
    <message>
        <location filename="../../app/gui/jobs_model.py" line="72" />
        <source>live</source>
        <translation>Live-Aufnahme</translation>
    </message>
</context>
<context>
    <name>Stage</name>
    <message>
        <source>Find speakers…</source>
        <translation>Sprecher finden…</translation>
    </message>
    <message>
        <source>How many speakers: auto, a number (e.g. 3) or a range (e.g. 2-4):</source>
        <translation>Wie viele Sprecher: auto, eine Zahl (z. B. 3) oder ein Bereich (z. B. 2-4):</translation>
    </message>
    <message>
        <source>Summarize…</source>
        <translation>Zusammenfassen…</translation>
    </message>
    <message>
        <source>Summarize with the template:</source>
        <translation>Zusammenfassen mit der Vorlage:</translation>
    </message>
    <message>
        <source>Translate…</source>
        <translation>Übersetzen…</translation>
    </message>
    <message>
        <source>Translate into:</source>
        <translation>Übersetzen in:</translation>
    </message>
</context>
<context>
    <name>State</name>
    <message>
        <location filename="../../app/gui/jobs_model.py" line="57" />
        <source>queued</source>
        <translation>wartend</translation>
    </message>
    <message>
        <location filename="../../app/gui/jobs_model.py" line="57" />
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <location filename="../../app/gui/jobs_model.py" line="58" />
        <source>done</source>
        <translation>fertig</translation>
    </message>
    <message>
        <location filename="../../app/gui/jobs_model.py" line="58" />
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <location filename="../../app/gui/jobs_model.py" line="59" />
        <source>cancelled</source>
        <translation>abgebrochen</translation>
    </message>
    <message>
        <location filename="../../app/gui/jobs_model.py" line="59" />
        <source>paused</source>
        <translation>angehalten</translation>
    </message>
    <message>
        <location filename="../../app/gui/jobs_model.py" line="60" />
        <source>pending</source>
        <translation>vorgemerkt</translation>
    </message>
    <message>
        <location filename="../../app/gui/jobs_model.py" line="61" />
        <source>next</source>
        <translation>als Nächstes</translation>
    </message>
    <message>
        <location filename="../../app/gui/jobs_model.py" line="61" />
        <source>{0}st</source>
        <translation>{0}.</translation>
    </message>
    <message>
        <location filename="../../app/gui/jobs_model.py" line="61" />
        <source>{0}nd</source>
        <translation>{0}.</translation>
    </message>
    <message>
        <location filename="../../app/gui/jobs_model.py" line="62" />
        <source>{0}rd</source>
        <translation>{0}.</translation>
    </message>
    <message>
        <location filename="../../app/gui/jobs_model.py" line="62" />
        <source>{0}th</source>
        <translation>{0}.</translation>
    </message>
    <message>
        <source>Transcription</source>
        <translation>Transkription</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>Zusammenfassung</translation>
    </message>
    <message>
        <source>Translation</source>
        <translation>Übersetzung</translation>
    </message>
    <message>
        <source>Search index</source>
        <translation>Suchindex</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/tasks_model.py" line="20" />
        <source>received</source>
        <translation>empfangen</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/tasks_model.py" line="20" />
        <source>started</source>
        <translation>gestartet</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/tasks_model.py" line="21" />
        <source>retried</source>
        <translation>wiederholt</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/tasks_model.py" line="21" />
        <source>succeeded</source>
        <translation>erfolgreich</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/tasks_model.py" line="22" />
        <source>revoked</source>
        <translation>widerrufen</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/tasks_model.py" line="22" />
        <source>moved</source>
        <translation>verschoben</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/tasks_model.py" line="23" />
        <source>lost</source>
        <translation>verloren</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/tasks_model.py" line="23" />
        <source>sent</source>
        <translation>gesendet</translation>
    </message>
    <message>
        <source>Speakers</source>
        <translation>Sprecher</translation>
    </message>
</context>
<context>
    <name>StatsTab</name>
    <message>
        <location filename="../../app/gui/queue_panel/stats_tab.py" line="22" />
        <source>none finished</source>
        <translation>keine beendet</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/stats_tab.py" line="23" />
        <source>{0} of {1} finished</source>
        <translation>{0} von {1} beendet</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/stats_tab.py" line="31" />
        <source>Statistics per task</source>
        <translation>Statistik je Aufgabe</translation>
    </message>
</context>
<context>
    <name>SummaryWidget</name>
    <message>
        <location filename="../../app/gui/summary_view.py" line="30" />
        <source>Summarize</source>
        <translation>Zusammenfassen</translation>
    </message>
    <message>
        <location filename="../../app/gui/summary_view.py" line="43" />
        <source>Summary template</source>
        <translation>Vorlage der Zusammenfassung</translation>
    </message>
    <message>
        <location filename="../../app/gui/summary_view.py" line="44" />
        <source>Notes</source>
        <translation>Notizen</translation>
    </message>
    <message>
        <location filename="../../app/gui/summary_view.py" line="46" />
        <source>Template</source>
        <translation>Vorlage</translation>
    </message>
    <message>
        <location filename="../../app/gui/summary_view.py" line="81" />
        <source>Summarizing… {0}%</source>
        <translation>Zusammenfassung… {0} %</translation>
    </message>
    <message>
        <location filename="../../app/gui/summary_view.py" line="86" />
        <source>The summary failed: {0}</source>
        <translation>Die Zusammenfassung ist fehlgeschlagen: {0}</translation>
    </message>
    <message>
        <location filename="../../app/gui/summary_view.py" line="91" />
        <source>No summary yet: pick a template and press Summarize.</source>
        <translation>Noch keine Zusammenfassung: wählen Sie eine Vorlage und drücken Sie „Zusammenfassen“.</translation>
    </message>
    <message>
        <location filename="../../app/gui/summary_view.py" line="110" />
        <location filename="../../app/gui/summary_view.py" line="129" />
        <source>Summarizing…</source>
        <translation>Zusammenfassung…</translation>
    </message>
    <message>
        <location filename="../../app/gui/summary_view.py" line="35" />
        <source>Refresh notes</source>
        <translation>Notizen auffrischen</translation>
    </message>
    <message>
        <location filename="../../app/gui/summary_view.py" line="36" />
        <source>Refresh the notes from the transcript as it is now</source>
        <translation>Die Notizen aus dem Transkript, wie es jetzt ist, neu erstellen</translation>
    </message>
    <message>
        <location filename="../../app/gui/summary_view.py" line="88" />
        <source>These notes are older than the transcript: it was edited or its speakers changed after they were written.</source>
        <translation>Diese Notizen sind älter als das Transkript: Es wurde bearbeitet, oder seine Sprecher haben sich geändert, nachdem sie geschrieben wurden.</translation>
    </message>
</context>
<context>
    <name>TasksTab</name>
    <message>
        <location filename="../../app/gui/queue_panel/tasks_tab.py" line="53" />
        <source>Filter by state</source>
        <translation>Nach Status filtern</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/tasks_tab.py" line="54" />
        <source>Filter by task</source>
        <translation>Nach Aufgabe filtern</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/tasks_tab.py" line="54" />
        <source>Filter by queue</source>
        <translation>Nach Warteschlange filtern</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/tasks_tab.py" line="55" />
        <source>Filter by worker</source>
        <translation>Nach Worker filtern</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/tasks_tab.py" line="57" />
        <source>Tasks</source>
        <translation>Aufgaben</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/tasks_tab.py" line="59" />
        <source>Filter by file, task id or error</source>
        <translation>Nach Datei, Aufgaben-ID oder Fehler filtern</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/tasks_tab.py" line="60" />
        <source>File, task id or error</source>
        <translation>Datei, Aufgaben-ID oder Fehler</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/tasks_tab.py" line="66" />
        <source>any time</source>
        <translation>jederzeit</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/tasks_tab.py" line="70" />
        <source>Queued from</source>
        <translation>Eingereiht ab</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/tasks_tab.py" line="71" />
        <source>Queued until</source>
        <translation>Eingereiht bis</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/tasks_tab.py" line="73" />
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/tasks_tab.py" line="74" />
        <source>Task</source>
        <translation>Aufgabe</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/tasks_tab.py" line="75" />
        <source>Queue</source>
        <translation>Warteschlange</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/tasks_tab.py" line="76" />
        <source>Worker</source>
        <translation>Worker</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/tasks_tab.py" line="77" />
        <source>From</source>
        <translation>Von</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/tasks_tab.py" line="78" />
        <source>To</source>
        <translation>Bis</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/tasks_tab.py" line="86" />
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/tasks_tab.py" line="87" />
        <source>Retry</source>
        <translation>Wiederholen</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/tasks_tab.py" line="88" />
        <source>Move to top</source>
        <translation>Nach oben</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/tasks_tab.py" line="89" />
        <source>Delete from history</source>
        <translation>Aus dem Verlauf löschen</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/tasks_tab.py" line="96" />
        <source>Task detail</source>
        <translation>Details der Aufgabe</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/tasks_tab.py" line="128" />
        <source>{0} of {1} tasks</source>
        <translation>{0} von {1} Aufgaben</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/tasks_tab.py" line="155" />
        <source>Select tasks of Earmark's jobs first.</source>
        <translation>Wählen Sie zuerst Aufgaben von Earmark-Aufträgen.</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/tasks_tab.py" line="164" />
        <source>Cancel a task before deleting it from the history.</source>
        <translation>Brechen Sie eine Aufgabe ab, bevor Sie sie aus dem Verlauf löschen.</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/tasks_tab.py" line="176" />
        <source>Task {0}  ({1}, queue {2})</source>
        <translation>Aufgabe {0}  ({1}, Warteschlange {2})</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/tasks_tab.py" line="177" />
        <source>State: {0}   worker: {1}   retries: {2}</source>
        <translation>Status: {0}   Worker: {1}   Wiederholungen: {2}</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/tasks_tab.py" line="180" />
        <source>File: {0}</source>
        <translation>Datei: {0}</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/tasks_tab.py" line="188" />
        <source>Arguments: {0}</source>
        <translation>Argumente: {0}</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/tasks_tab.py" line="189" />
        <source>Result: {0}</source>
        <translation>Ergebnis: {0}</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/tasks_tab.py" line="192" />
        <source>Error: {0}</source>
        <translation>Fehler: {0}</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/tasks_tab.py" line="194" />
        <source>Traceback:</source>
        <translation>Traceback:</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/tasks_tab.py" line="195" />
        <source>Timeline:</source>
        <translation>Verlauf:</translation>
    </message>
</context>
<context>
    <name>Template</name>
    <message>
        <source>Chapters</source>
        <translation>Kapitel</translation>
    </message>
    <message>
        <source>Key points</source>
        <translation>Kernpunkte</translation>
    </message>
    <message>
        <source>Meeting minutes</source>
        <translation>Besprechungsprotokoll</translation>
    </message>
    <message>
        <source>Short summary</source>
        <translation>Kurze Zusammenfassung</translation>
    </message>
</context>
<context>
    <name>TranscriptWidget</name>
    <message>
        <location filename="../../app/gui/transcript_view.py" line="291" />
        <source>No transcript open</source>
        <translation>Kein Transkript geöffnet</translation>
    </message>
    <message>
        <location filename="../../app/gui/transcript_view.py" line="333" />
        <location filename="../../app/gui/transcript_view.py" line="603" />
        <source>Play</source>
        <translation>Abspielen</translation>
    </message>
    <message>
        <location filename="../../app/gui/transcript_view.py" line="338" />
        <source>0:00 / 0:00</source>
        <translation>0:00 / 0:00</translation>
    </message>
    <message>
        <location filename="../../app/gui/transcript_view.py" line="339" />
        <source>No sound output found: playback is silent.</source>
        <translation>Keine Tonausgabe gefunden: die Wiedergabe ist stumm.</translation>
    </message>
    <message>
        <location filename="../../app/gui/transcript_view.py" line="348" />
        <source>Show a translation beside the original</source>
        <translation>Eine Übersetzung neben dem Original zeigen</translation>
    </message>
    <message>
        <location filename="../../app/gui/transcript_view.py" line="351" />
        <source>Revert edit</source>
        <translation>Bearbeitung zurücknehmen</translation>
    </message>
    <message>
        <location filename="../../app/gui/transcript_view.py" line="353" />
        <location filename="../../app/gui/transcript_view.py" line="358" />
        <source>Undo speaker edit</source>
        <translation>Sprecheränderung rückgängig</translation>
    </message>
    <message>
        <location filename="../../app/gui/transcript_view.py" line="367" />
        <source>Find in transcript (Ctrl+F)</source>
        <translation>Im Transkript suchen (Strg+F)</translation>
    </message>
    <message>
        <location filename="../../app/gui/transcript_view.py" line="380" />
        <source>No transcript open.

Double-click a finished job in the list, or press Return on it, to read, play and edit its transcript here.</source>
        <translation>Kein Transkript geöffnet.

Doppelklicken Sie auf einen fertigen Auftrag in der Liste oder drücken Sie dort die Eingabetaste, um sein Transkript hier zu lesen, abzuspielen und zu bearbeiten.</translation>
    </message>
    <message>
        <location filename="../../app/gui/transcript_view.py" line="396" />
        <source>Transcript segments</source>
        <translation>Abschnitte des Transkripts</translation>
    </message>
    <message>
        <location filename="../../app/gui/transcript_view.py" line="396" />
        <source>Playback position</source>
        <translation>Wiedergabeposition</translation>
    </message>
    <message>
        <location filename="../../app/gui/transcript_view.py" line="397" />
        <source>Playback speed</source>
        <translation>Wiedergabegeschwindigkeit</translation>
    </message>
    <message>
        <location filename="../../app/gui/transcript_view.py" line="397" />
        <source>Translation shown</source>
        <translation>Gezeigte Übersetzung</translation>
    </message>
    <message>
        <location filename="../../app/gui/transcript_view.py" line="398" />
        <source>Find in transcript</source>
        <translation>Im Transkript suchen</translation>
    </message>
    <message>
        <location filename="../../app/gui/transcript_view.py" line="398" />
        <source>Position</source>
        <translation>Position</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="111" />
        <location filename="../../app/gui/transcript_view.py" line="458" />
        <source>Speaker {0}</source>
        <translation>Sprecher {0}</translation>
    </message>
    <message>
        <location filename="../../app/gui/transcript_view.py" line="482" />
        <source>No translation</source>
        <translation>Keine Übersetzung</translation>
    </message>
    <message>
        <location filename="../../app/gui/transcript_view.py" line="521" />
        <source>Translated by the bundled model (SmolLM2-135M), which scored {0} of 100 on Earmark's test translation, below the {1} a usable translation needs: expect wrong and untranslated sentences.</source>
        <translation>Übersetzt vom mitgelieferten Modell (SmolLM2-135M), das in Earmarks Testübersetzung {0} von 100 Punkten erreichte, weniger als die {1}, die eine brauchbare Übersetzung braucht: Rechnen Sie mit falschen und unübersetzten Sätzen.</translation>
    </message>
    <message>
        <location filename="../../app/gui/transcript_view.py" line="603" />
        <source>Pause</source>
        <translation>Anhalten</translation>
    </message>
    <message>
        <location filename="../../app/gui/transcript_view.py" line="645" />
        <source>Rename {0}…</source>
        <translation>{0} umbenennen…</translation>
    </message>
    <message>
        <location filename="../../app/gui/transcript_view.py" line="648" />
        <source>Merge {0} into</source>
        <translation>{0} zusammenführen mit</translation>
    </message>
    <message>
        <location filename="../../app/gui/transcript_view.py" line="649" />
        <source>Move this segment to</source>
        <translation>Dieses Segment zuordnen zu</translation>
    </message>
    <message>
        <location filename="../../app/gui/transcript_view.py" line="655" />
        <source>A new speaker</source>
        <translation>Einem neuen Sprecher</translation>
    </message>
</context>
<context>
    <name>WorkersTab</name>
    <message>
        <location filename="../../app/gui/queue_panel/workers_tab.py" line="59" />
        <source>Queue to pause or resume</source>
        <translation>Anzuhaltende oder fortzusetzende Warteschlange</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/workers_tab.py" line="57" />
        <source>Workers</source>
        <translation>Worker</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/workers_tab.py" line="36" />
        <source>online</source>
        <translation>online</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/workers_tab.py" line="36" />
        <source>restarting</source>
        <translation>startet neu</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/workers_tab.py" line="37" />
        <source>offline</source>
        <translation>offline</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/workers_tab.py" line="61" />
        <source>Restart</source>
        <translation>Neu starten</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/workers_tab.py" line="61" />
        <source>Stop helper</source>
        <translation>Helfer beenden</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/workers_tab.py" line="62" />
        <source>Grow pool</source>
        <translation>Pool vergrößern</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/workers_tab.py" line="63" />
        <source>Shrink pool</source>
        <translation>Pool verkleinern</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/workers_tab.py" line="68" />
        <source>Queue:</source>
        <translation>Warteschlange:</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/workers_tab.py" line="70" />
        <source>Pause consuming</source>
        <translation>Abholen anhalten</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/workers_tab.py" line="71" />
        <source>Resume consuming</source>
        <translation>Abholen fortsetzen</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/workers_tab.py" line="105" />
        <source>{0} at {1}</source>
        <translation>{0} um {1}</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/workers_tab.py" line="112" />
        <source>{0:.0f} s ago</source>
        <translation>vor {0:.0f} s</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/workers_tab.py" line="113" />
        <source>never</source>
        <translation>nie</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/workers_tab.py" line="134" />
        <source>Select a worker first.</source>
        <translation>Wählen Sie zuerst einen Worker.</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/workers_tab.py" line="145" />
        <source>Restarting {0} (its running task finishes first)…</source>
        <translation>{0} wird neu gestartet (die laufende Aufgabe wird erst beendet)…</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/workers_tab.py" line="146" />
        <source>restart the worker</source>
        <translation>Worker neu starten</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/workers_tab.py" line="148" />
        <source>Only the workers this app started can be restarted from here.</source>
        <translation>Nur die Worker, die diese App gestartet hat, lassen sich hier neu starten.</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/workers_tab.py" line="153" />
        <source>Asking {0} to leave (its running task finishes first)…</source>
        <translation>{0} wird gebeten zu gehen (seine laufende Aufgabe endet zuerst)…</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/workers_tab.py" line="154" />
        <source>stop the helper</source>
        <translation>den Helfer anhalten</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/workers_tab.py" line="156" />
        <source>This machine's own workers stop with the app; restart one instead.</source>
        <translation>Die eigenen Worker dieses Rechners enden mit der App; starten Sie stattdessen einen neu.</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/workers_tab.py" line="161" />
        <source>resume consuming</source>
        <translation>Abnahme fortsetzen</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/workers_tab.py" line="161" />
        <source>pause consuming</source>
        <translation>Abnahme anhalten</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/workers_tab.py" line="163" />
        <source>Resuming {0} on {1}…</source>
        <translation>{0} auf {1} wird fortgesetzt…</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/workers_tab.py" line="163" />
        <source>Pausing {0} on {1}…</source>
        <translation>{0} auf {1} wird angehalten…</translation>
    </message>
    <message>
        <location filename="../../app/gui/queue_panel/workers_tab.py" line="169" />
        <source>resize the pool</source>
        <translation>Pool ändern</translation>
    </message>
</context>
</TS>