"""Render a held-out meeting's script (NAME.txt, "Speaker: words" a line) to speech with
espeak-ng, one voice per speaker, half a second between turns, as a 32 kb/s mono MP3 (PyAV).

    python bench/heldout/make_audio.py meeting6_clinic_move   # needs espeak-ng and the av package
"""

import io
import subprocess
import sys
import wave
from pathlib import Path

import av
import numpy as np

HERE = Path(__file__).resolve().parent
VOICES = {"Lena": ("en-us+f3", 165), "Omar": ("en-gb", 155), "Priya": ("en-gb-x-rp+f2", 170),
          # meeting6_clinic_move
          "Anna": ("en-gb-x-rp+f3", 160), "Ben": ("en-us", 160), "Chloe": ("en-us+f2", 170),
          "David": ("en-gb-scotland", 150),
          # meeting7_food_bank
          "Grace": ("en-gb+f4", 160), "Hugo": ("en-gb-x-gbclan", 155), "Ines": ("en-us+f4", 165),
          "Karl": ("en-029", 150),
          # meeting8_school_trip
          "Nora": ("en-gb-x-rp+f4", 160), "Felix": ("en-gb-x-gbcwmd", 155), "Sara": ("en-us+f3", 165),
          "Tom": ("en-us-nyc", 155),
          # meeting9_swim_club
          "Olga": ("en-gb-x-rp+f3", 160), "Ravi": ("en-gb-x-gbclan", 155), "Maya": ("en-us+f4", 165),
          "Jonas": ("en-gb-scotland", 150),
          # meeting10_choir_concert
          "Hanna": ("en-us+f2", 165), "Leo": ("en-gb-x-rp", 155), "Mira": ("en-gb+f3", 165),
          "Paul": ("en-us-nyc", 150),
          # meeting11_repair_cafe
          "Rosa": ("en-gb-scotland+f3", 160), "Ahmed": ("en-029", 150), "Lucy": ("en-us+f3", 165),
          "Sam": ("en-gb-x-gbcwmd", 155),
          # meeting12_street_party
          "Ella": ("en-gb-x-rp+f4", 160), "Marco": ("en-us", 155), "Zoe": ("en-us+f2", 165),
          "Dan": ("en-gb-x-gbclan", 150),
          # meeting13_allotment_garden
          "Iris": ("en-gb-x-rp+f2", 160), "Victor": ("en-gb-scotland", 155), "Keiko": ("en-us+f4", 165),
          "Oscar": ("en-029", 150),
          # meeting14_tenants_lift
          "Beatrice": ("en-gb+f2", 160), "Tariq": ("en-gb-x-gbcwmd", 155), "Yuki": ("en-us+f3", 165),
          "Gus": ("en-us-nyc", 150),
          # meeting15_radio_station
          "Helga": ("en-gb-scotland+f4", 160), "Nnamdi": ("en-029", 150), "Carmen": ("en-us+f2", 165),
          "Pete": ("en-gb-x-rp", 155),
          # meeting16_makerspace
          "Ingrid": ("en-gb-x-rp+f3", 160), "Kofi": ("en-029", 155), "Lars": ("en-gb-scotland", 150),
          "Amara": ("en-us+f4", 165),
          # meeting17_chess_club
          "Wanda": ("en-gb-x-gbclan+f2", 160), "Ezra": ("en-gb+m3", 155), "Fatima": ("en-us-nyc+f4", 165),
          "Bjorn": ("en-029+m2", 150),
          # meeting18_youth_football
          "Rhea": ("en-gb-x-gbcwmd+f3", 160), "Milo": ("en-us+m4", 155), "Tamsin": ("en-gb-scotland+f2", 165),
          "Hector": ("en-gb-x-rp+m5", 150),
          # meeting19_vet_practice
          "Noor": ("en-us-nyc+f5", 160), "Ulrich": ("en-gb-x-gbclan+m6", 150), "Vera": ("en-029+f1", 165),
          "Quentin": ("en-gb+m7", 155),
          # meeting20_research_group
          "Adaeze": ("en-gb-x-gbcwmd+Annie", 160), "Teodor": ("en-us-nyc+Michael", 150),
          "Signe": ("en-gb-scotland+Linda", 165), "Rafael": ("en-029+Ed", 155),
          # meeting21_bakery_staff
          "Orla": ("en-us+Alicia", 160), "Desmond": ("en-gb-x-rp+Andy", 150),
          "Agnes": ("en-gb-x-gbclan+belinda", 165), "Femi": ("en-029+john", 155),
          # meeting22_campsite_season
          "Yvonne": ("en-gb-x-rp+steph", 160), "Bartek": ("en-us+rob", 150),
          "Solveig": ("en-gb-scotland+Andrea", 165), "Kwame": ("en-gb-x-gbcwmd+adam", 155),
          # meeting23_kitchen_refit
          "Dominic": ("en-gb+benjamin", 155), "Petra": ("en-us+anika", 165),
          "Callum": ("en-gb-scotland+edward", 150), "Ifeoma": ("en-029+shelby", 160),
          # meeting24_hospital_discharge
          "Hattie": ("en-gb-x-rp+aunty", 160), "Rowan": ("en-us+travis", 150),
          "Delphine": ("en-gb-x-gbclan+f5", 165), "Iain": ("en-gb-scotland+michel", 155),
          # meeting25_wedding_venue
          "Esther": ("en-gb-x-rp+steph2", 160), "Lucia": ("en-us-nyc+steph3", 165),
          "Niall": ("en-gb+max", 155), "Bernard": ("en-us+zac", 150),
          # meeting26_courier_coop
          "Marisol": ("en-us-nyc+m8", 160), "Thabo": ("en-gb+david", 150),
          "Greta": ("en-us+paul", 165), "Yusuf": ("en-us+Mike", 155),
          # meeting27_village_cinema
          "Odile": ("en-gb-x-rp+victor", 160), "Casper": ("en-us-nyc+gustave", 155),
          "Winifred": ("en-gb-x-gbcwmd+robert", 165), "Rajesh": ("en-gb-scotland+quincy", 150),
          # meeting28_climbing_gym
          "Mabel": ("en-gb-x-gbclan+Alicia", 160), "Stefan": ("en-gb+caleb", 155),
          "Leonie": ("en-us-nyc+linda", 165), "Jerome": ("en-029+antonio", 150),
          # meeting29_small_press
          "Gwen": ("en-gb-x-rp+f5", 160), "Arjun": ("en-us+m3", 155),
          "Fiona": ("en-gb+f1", 165), "Malcolm": ("en-gb-x-rp+m1", 150)}


def main(name: str = "meeting5_volunteer_fair") -> None:
    text = (HERE / f"{name}.txt").read_text()
    pieces, rate = [], 22050
    for line in text.strip().splitlines():
        speaker, said = line.split(":", 1)
        voice, speed = VOICES[speaker]
        wav = subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "--stdout", said.strip()],
                             capture_output=True, check=True).stdout
        with wave.open(io.BytesIO(wav)) as w:
            rate = w.getframerate()
            pieces.append(np.frombuffer(w.readframes(w.getnframes()), np.int16))
        pieces.append(np.zeros(rate // 2, np.int16))
    audio = np.concatenate(pieces)
    with av.open(str(HERE / f"{name}.mp3"), "w") as out:
        stream = out.add_stream("mp3", rate=rate, layout="mono")
        stream.bit_rate = 32000
        frame = av.AudioFrame.from_ndarray(audio[None, :], format="s16", layout="mono")
        frame.sample_rate = rate
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


if __name__ == "__main__":
    main(*sys.argv[1:2])
