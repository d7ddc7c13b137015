"""URL rules whose builder functions are compiled once per process, not once per app.

werkzeug writes two functions for every rule it binds (the `url_for` builders: an ast of the rule's parts,
then compile()), and create_app binds some 150 rules: that was over half of its time once the OpenAPI
document was left for later, paid by every start, every worker and every test. werkzeug has no public switch
for it, so this subclass (set as Flask's public `url_rule_class`) overrides its `_compile_builder`: for a
rule without defaults, the function werkzeug writes depends only on the rule's text and its parsed parts
(the converters are read through `self` when a URL is built), so the compiled function is kept by those and
bound to every rule that has them. A rule with defaults (their values are written into the code), or a
werkzeug without these internals, compiles as werkzeug does.
"""
from __future__ import annotations

import threading

from werkzeug.routing import Rule

_builders: dict[tuple, object] = {}
_lock = threading.Lock()


class CompiledOnceRule(Rule):
    def _compile_builder(self, append_unknown: bool = True):
        trace = getattr(self, "_trace", None)
        if self.defaults or trace is None:
            return super()._compile_builder(append_unknown)
        key = (self.rule, tuple(trace), append_unknown)
        builder = _builders.get(key)
        if builder is None:
            builder = super()._compile_builder(append_unknown)
            with _lock:
                builder = _builders.setdefault(key, builder)
        return builder
