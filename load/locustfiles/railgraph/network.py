"""The demo network's lines (subgraphs/trains/src/demo/network.ts), station codes in calling order."""

import random

LINES = [
    ["KGX", "SVG", "PBO", "GRA", "NNG", "DON", "YRK", "DAR", "DHM", "NCL", "EDB"],
    ["PAD", "RDG", "SWI", "BPW", "NWP", "CDF"],
    ["EUS", "MKC", "RUG", "BHM", "WVH", "CRE", "MAN"],
    ["STP", "EBD", "AFK", "PNO"],
    ["STP", "EBD", "AFK", "LLE", "BMI"],
    ["BMI", "ANR", "RTD", "SHL", "AMS"],
    ["DHG", "LEI", "SHL", "AMS", "UTR", "AHM"],
]

#: Words travellers type into the station field.
STATION_SEARCHES = ["lon", "York", "man", "Ams", "cen", "bri", "par", "ed", "new", "Rot", "int", "Bru"]


def station_pair() -> tuple[str, str]:
    """Two stations of one line, in its direction of travel or against it."""
    line = random.choice(LINES)
    a, b = sorted(random.sample(range(len(line)), 2))
    return (line[a], line[b]) if random.random() < 0.5 else (line[b], line[a])
