"""One engine process per tenant, for bindings that cannot keep tenants apart in one process.

On 1.2.895 every SessionContext runs in the binding's own tenant whatever tenant it is given (see
engine.py), so two organizations' tables in one process would be one catalog. The front then runs
each tenant other than root's `default` in a child process of its own: this same server.py, with
its own state directory (<data dir>/tenants/<tenant>/.databend: its own meta store, data and load
metadata), listening on a free port of 127.0.0.1 and reached only through this front, which
forwards the signed-in user's requests to it unchanged. Children are started on first use and end
with the front (they watch its pipe).
"""

import base64
import http.client
import json
import os
import secrets
import subprocess
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
START_TIMEOUT_SECS = 120


class TenantProcesses:
    def __init__(self, data_dir: str, log: bool):
        self.root = os.path.join(data_dir, "tenants")
        self.log = log
        self.lock = threading.Lock()
        self.children: dict = {}  # tenant -> (Popen, port, root secret)
        self.starting: dict = {}  # tenant -> threading.Lock

    def port_of(self, tenant: str) -> tuple:
        with self.lock:
            child = self.children.get(tenant)
            if child and child[0].poll() is None:
                return child[1], child[2]
            gate = self.starting.setdefault(tenant, threading.Lock())
        with gate:  # one start per tenant even when its first requests arrive together
            with self.lock:
                child = self.children.get(tenant)
                if child and child[0].poll() is None:
                    return child[1]
            proc, port, secret = self._start(tenant)
            with self.lock:
                self.children[tenant] = (proc, port, secret)
            return port, secret

    def _start(self, tenant: str):
        # tenant names are validated (users.TENANT_NAME): no separators, no dots first.
        state = os.path.join(self.root, tenant)
        os.makedirs(state, exist_ok=True)
        args = [sys.executable, os.path.join(HERE, "server.py"), "--port", "0", "--data-dir", state, "--exit-with-stdin", "--tenant-child"]
        if self.log:
            args.append("--log")
        # The child takes root only with this process's secret, so nothing else on the machine that
        # finds its port can read the tenant's data around the tenant's own password.
        secret = secrets.token_hex(24)
        env = {**os.environ, "WAREHOUSE_ROOT_PASSWORD": secret}
        proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=None, cwd=HERE, env=env)
        timer = threading.Timer(START_TIMEOUT_SECS, proc.kill)
        timer.start()
        try:
            for raw in proc.stdout:
                line = raw.decode("utf-8", "replace").strip()
                if line.startswith("WAREHOUSE_READY "):
                    port = json.loads(line[len("WAREHOUSE_READY ") :])["port"]
                    threading.Thread(target=_drain, args=(proc.stdout,), daemon=True).start()
                    return proc, port, secret
        finally:
            timer.cancel()
        raise RuntimeError(f"the engine process of tenant {tenant} exited before it was ready (code {proc.wait()})")

    def forward(self, tenant: str, method: str, path: str, raw_body: bytes, headers: dict):
        """The child's answer to the same request: (status, headers to pass on, body bytes)."""
        port, secret = self.port_of(tenant)
        headers = {**headers, "Authorization": "Basic " + base64.b64encode(f"root:{secret}".encode()).decode()}
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        try:
            conn.request(method, path, body=raw_body if method == "POST" else None, headers=headers)
            resp = conn.getresponse()
            body = resp.read()
            passed = {k: v for k, v in resp.getheaders() if k.lower().startswith("x-databend-")}
            return resp.status, passed, body
        finally:
            conn.close()


def _drain(stream):
    for _ in stream:
        pass
