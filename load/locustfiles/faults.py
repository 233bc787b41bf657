"""faults: travellers booking while one replica of tickets, inventory and the gateway is killed in
turn (`npm run load -- faults`, which kills them; this file only books)."""

from book import Traveller


class FaultTraveller(Traveller):
    pass


del Traveller
