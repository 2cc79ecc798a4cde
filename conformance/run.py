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

# Left out, by class and test: what Parley's door does not do, and why.
NOT_HERE = {
    "CapTestCase.testNakWhole": "needs multi-prefix (no channel operators or voice)",
    "JoinTestCase.testJoinAllMessages": "331 on joining a channel without a topic (RFC 1459); the modern protocol sends no topic numeric then, nor does Parley",
    "JoinTestCase.testListEmpty": "Parley always has #lobby",
    "JoinTestCase.testListOne": "Parley always has #lobby",
    "EchoMessageTestCase.testEchoMessageNotice": "a NOTICE to a channel reaches others as a PRIVMSG (echoed to its sender as the NOTICE it was): Parley stores one kind of message",
    "PrivmsgTestCase.testPrivmsg": "a JOIN takes effect when the database has it: a line sent on another connection at the same moment may come first",
    "NoticeTestCase.testNotice": "a JOIN takes effect when the database has it: a line sent on another connection at the same moment may come first",
    "JoinTestCase.testDoubleKickMessages": "KICK: rooms have a creator, not channel operators",
    "JoinTestCase.testKickNonexistentChannel": "KICK: rooms have a creator, not channel operators",
    "JoinTestCase.testKickSendsMessages": "KICK: rooms have a creator, not channel operators",
    "JoinTestCase.testInviteNonExistingChannelEchoed": "INVITE: rooms are open to every account",
    "JoinTestCase.testInviteNonExistingChannelTransmitted": "INVITE: rooms are open to every account",
    "JoinTestCase.testTopicMode": "channel mode +t set by an operator: a room's topic is its creator's, or open to all from its creation",
    "AccountTagTestCase.testMonitor": "MONITOR",
    "MetadataTestCase.testNotLoggedIn": "extended-join",
    "MultiPrefixTestCase.testMultiPrefix": "multi-prefix: no channel operators or voice",
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
        module, case, name = test.id().split(".")
        why = NOT_HERE.get(case + "." + name) or NOT_HERE_MODULES.get(module)
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
