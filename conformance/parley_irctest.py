"""irctest's controller for parley-server's IRC door.

irctest (https://github.com/ProgVal/irctest, 0.1.2 from PyPI) starts the
server under test for each case through a controller like this one. The
door runs in plaintext on loopback (tls = false), with guests on, since
irctest registers throwaway nicks without accounts. PARLEY_SERVER names
the binary.
"""
import os
import socket
import subprocess
import time

from irctest.basecontrollers import BaseServerController, DirectoryBasedController
from irctest.runner import NotImplementedByController

CONFIG = """
tls = false
guests = true
irc_server_name = "irc.parley.test"
[password_hash]
log_n = 10
# irctest expects a channel's names to be those who joined it; Parley's
# robot is in every room.
[robot]
enabled = false
[limits]
# irctest registers a new guest for nearly every client of every case,
# all from 127.0.0.1, and sends without pause.
registrations_per_address_per_hour = 100000
max_connections_per_address = 1000
rate_burst = 1000
rate_per_second = 1000
hello_timeout_seconds = 60
login_timeout_seconds = 60
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ParleyController(BaseServerController, DirectoryBasedController):
    software_name = "Parley"
    supported_sasl_mechanisms = {"PLAIN"}

    def run(self, hostname, port, password=None, ssl=False, restricted_metadata_keys=None,
            valid_metadata_keys=None, invalid_metadata_keys=None):
        if password is not None:
            # PASS is an account's password at this door, not the server's.
            raise NotImplementedByController("a server password")
        if ssl:
            raise NotImplementedByController("STARTTLS (the door speaks TLS from the first byte)")
        if valid_metadata_keys or invalid_metadata_keys:
            raise NotImplementedByController("METADATA")
        assert self.proc is None
        self.port = port
        self.parley_port = free_port()
        self.create_config()
        with self.open_file("server.toml") as config:
            config.write(CONFIG)
        self.proc = subprocess.Popen([
            # Plaintext stays on loopback (irctest's own hostname is 0.0.0.0).
            os.environ["PARLEY_SERVER"], "--host", "127.0.0.1", "--port", str(self.parley_port),
            "--irc-port", str(port), "--data-dir", os.path.join(self.directory, "data"),
            "--config", os.path.join(self.directory, "server.toml"), "--log-level", "error",
        ], stdout=subprocess.DEVNULL)

    def wait_for_port(self):
        # irctest's own wait polls forever for a server that never started.
        while not self.port_open:
            if self.proc.poll() is not None:
                raise RuntimeError("parley-server exited with status %d" % self.proc.returncode)
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                self.port_open = True
            except OSError:
                time.sleep(0.05)

    def registerUser(self, case, username, password=None):
        # An account is made at the Parley door, as `parley --register` does.
        if password is not None and len(password) < 8:
            raise NotImplementedByController("a password shorter than 8 characters, Parley's least")
        self.wait_for_port()
        parley = os.path.join(os.path.dirname(os.environ["PARLEY_SERVER"]), "parley")
        env = dict(os.environ, PARLEY_PASSWORD=password or "password of " + username,
                   XDG_CONFIG_HOME=os.path.join(self.directory, "client"))
        subprocess.run([parley, "rooms", "--insecure", "--server", "127.0.0.1:%d" % self.parley_port,
                        "--user", username, "--register"], env=env, check=True, stdout=subprocess.DEVNULL)


def get_irctest_controller_class():
    return ParleyController
