"""Runs irctest's server tests (irctest 0.1.2) against parley-server's IRC
door, leaving out only what the door does not do, each with why.

    PARLEY_SERVER=.build/debug/parley-server PYTHONPATH=IRCTEST_DIR:conformance python3 conformance/run.py

Exits 0 when every test run passed; prints irctest's report either way.
"""
import sys
import unittest

from irctest.cases import _IrcTestCase
from irctest.runner import TextTestRunner
from irctest.specifications import Specifications
import irctest.server_tests

import parley_irctest

# Left out, by test name: what Parley's door does not do, and why.
NOT_HERE = {
    "testDoubleKickMessages": "KICK: rooms have a creator, not channel operators",
    "testKickNonexistentChannel": "KICK: rooms have a creator, not channel operators",
    "testKickSendsMessages": "KICK: rooms have a creator, not channel operators",
    "testInviteNonExistingChannelEchoed": "INVITE: rooms are open to every account",
    "testInviteNonExistingChannelTransmitted": "INVITE: rooms are open to every account",
    "testTopicMode": "channel mode +t set by an operator: a room's topic is its creator's, or open to all from its creation",
    "testMonitor": "MONITOR",
    "testNotLoggedIn": "extended-join",
    "testMultiPrefix": "multi-prefix: no channel operators or voice",
}
NOT_HERE_MODULES = {
    "test_metadata": "METADATA (a withdrawn IRCv3 draft)",
    "test_monitor": "MONITOR",
    "test_starttls": "STARTTLS: the door speaks TLS from the first byte, or plaintext on loopback",
}


def tests(suite):
    for test in suite:
        if isinstance(test, unittest.TestSuite):
            yield from tests(test)
        else:
            yield test


def main():
    _IrcTestCase.controllerClass = parley_irctest.ParleyController
    _IrcTestCase.controllerClass.openssl_bin = "openssl"
    _IrcTestCase.show_io = "--show-io" in sys.argv
    _IrcTestCase.strictTests = True
    _IrcTestCase.testedSpecifications = frozenset(Specifications)
    chosen = unittest.TestSuite()
    left_out = []
    for test in tests(irctest.server_tests.discover()):
        module, _, name = test.id().split(".")
        why = NOT_HERE.get(name) or NOT_HERE_MODULES.get(module)
        if why:
            left_out.append((test.id(), why))
        elif len(sys.argv) < 2 or any(arg in test.id() for arg in sys.argv[1:] if not arg.startswith("--")):
            chosen.addTest(test)
    for test_id, why in left_out:
        print("left out: %s (%s)" % (test_id, why))
    result = TextTestRunner(verbosity=2, descriptions=True).run(chosen)
    sys.exit(0 if result.wasSuccessful() and result.testsRun > 0 else 1)


if __name__ == "__main__":
    main()
