"""The bundled plugins of pos_loyalty: the earning-rule kinds, written against pos_loyalty.hookspecs only.

Installed as the package ``pos_loyalty_plugins`` and registered through the ``pos_loyalty`` entry-point
group, exactly as an outside plugin would be.
"""
