"""Hypothesis entry point: ``st.from_type(ShallowNetwork)`` draws from ``networks()``.

Kept apart from :mod:`shallowsym.strategies`, and resolved lazily: hypothesis runs this hook
while it is being imported, possibly by ``shallowsym.strategies`` itself.
"""


def _hypothesis_setup_hook() -> None:
    from hypothesis import strategies as st

    from .network import ShallowNetwork

    def resolve(_: type):
        from .strategies import networks

        return networks()

    st.register_type_strategy(ShallowNetwork, resolve)
