"""soak: the day-long mix: four travellers browsing for each one buying."""

from locust import constant_throughput

from book import Traveller
from browse import Browser


class SoakBrowser(Browser):
    weight = 4
    # Looking around at a person's pace rather than once a second.
    wait_time = constant_throughput(0.2)


class SoakTraveller(Traveller):
    weight = 1


# Only the soak's own classes run (Locust picks every User class in the file's namespace).
del Traveller, Browser
