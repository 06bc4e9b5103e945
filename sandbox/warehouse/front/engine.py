"""Opening Databend's embedded engine (PyPI `databend`) the same way on every version we support.

The bindings differ (src/bendpy in databendlabs/databend):
- 1.2.453: `SessionContext(tenant=...)`; each context runs in the tenant it names (the session's
  current tenant), so tenants in one process are separate catalogs.
- 1.2.895: `SessionContext(_tenant=None, data_path='.databend')`; the tenant argument is accepted
  and ignored (every session runs in the binding's own tenant `python_binding`), so one process is
  one catalog, whatever tenant is named. `isolates_tenants` says which kind this is; the front
  gives each tenant a process of its own where it is False.

Importing the binding opens the engine under ./.databend of the working directory (1.2.453 reads
it at import; 1.2.895 at the first SessionContext), so callers chdir first.
"""

import re


class Binding:
    def __init__(self, module):
        self.module = module
        try:
            module.SessionContext(tenant="default")
            self._keyword = True
        except TypeError:
            # 1.2.895: `tenant` is no keyword any more (its first parameter is `_tenant`, unused).
            self._keyword = False
        self.isolates_tenants = self._keyword
        self.version_text = self.context("default").sql("SELECT version()").to_arrow_table().column(0)[0].as_py()
        m = re.search(r"v(\d+\.\d+\.\d+)", self.version_text)
        self.version = m.group(1) if m else "0.0.0"

    def context(self, tenant: str):
        """A fresh engine session in `tenant` (ignored where the binding does not take one)."""
        if self._keyword:
            return self.module.SessionContext(tenant=tenant)
        return self.module.SessionContext()


def open_engine() -> Binding:
    import databend

    return Binding(databend)
