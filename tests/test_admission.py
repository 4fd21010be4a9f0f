"""Admission: slots, a bounded queue, a bounded wait and a per-client share (threads, no server), and
which address is the client (BKG_PROXY_HOPS, through the app)."""

from __future__ import annotations

import threading

import pytest
from budapest_kg.endpoint import create_app
from budapest_kg.endpoint.admission import Admission
from budapest_kg.endpoint.config import Config
from budapest_kg.endpoint.faults import EngineBusy, TooManyQueries

from .conftest import close_engine


def test_a_client_holds_at_most_its_share_waiting_included():
    gate = Admission(slots=4, queue=4, wait=0.01, share=0.5)
    gate.enter("a")
    gate.enter("a")
    with pytest.raises(TooManyQueries, match="at most 2 per client"):
        gate.enter("a")
    gate.enter("b")  # another client still gets a slot
    gate.leave("a")
    gate.enter("a")  # a slot given back may be taken again
    assert gate.counts() == {"slots": 4, "running": 3, "waiting": 0}
    with pytest.raises(TooManyQueries):
        gate.enter("a")


def test_every_client_gets_at_least_one_slot():
    assert Admission(slots=1, queue=0, wait=0.01, share=0.1).per_client == 1


def test_a_full_queue_refuses_at_once_and_a_wait_is_bounded():
    gate = Admission(slots=1, queue=1, wait=60, share=1.0)
    gate.enter("a")
    waiting = threading.Thread(target=gate.enter, args=("b",))
    waiting.start()
    while gate.counts()["waiting"] == 0:
        threading.Event().wait(0.01)
    with pytest.raises(EngineBusy, match="1 requests are waiting"):
        gate.enter("c")  # would wait 60 s if the queue were not full: it does not wait at all
    assert waiting.is_alive()
    gate.leave("a")
    waiting.join()
    assert gate.counts() == {"slots": 1, "running": 1, "waiting": 0}

    short = Admission(slots=1, queue=1, wait=0.05, share=1.0)
    short.enter("a")
    with pytest.raises(EngineBusy, match=r"no query slot became free within 0\.05 s"):
        short.enter("b")
    assert short.counts() == {"slots": 1, "running": 1, "waiting": 0}
    short.leave("a")
    short.enter("b")  # its refused wait held nothing: it may ask again and get the slot
    assert short.counts() == {"slots": 1, "running": 1, "waiting": 0}


@pytest.mark.parametrize("hops", [0, 1])
def test_the_client_is_the_address_a_trusted_proxy_names(build_dir, hops):
    """BKG_PROXY_HOPS=1: X-Forwarded-For names the client; 0: the header is not trusted (anyone could send it)."""
    app = create_app(Config.load(build_dir=build_dir, workers=0, proxy_hops=hops))
    admission = app.extensions["bkg_admission"]
    admission.slots, admission.per_client = 4, 1  # room for others, one slot per client
    admission.enter("203.0.113.7")  # this client holds its one slot
    client = app.test_client()
    try:
        statuses = {
            forwarded: client.get(
                "/sparql", query_string={"query": f"ASK {{ ?s ?p {n} }}"}, headers={"X-Forwarded-For": forwarded}
            ).status_code
            for n, forwarded in enumerate(["203.0.113.7", "203.0.113.8"])
        }
    finally:
        admission.leave("203.0.113.7")
        close_engine(app)
    assert statuses == ({"203.0.113.7": 429, "203.0.113.8": 200} if hops else {"203.0.113.7": 200, "203.0.113.8": 200})
