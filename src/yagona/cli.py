"""The ``yagona`` command: Django's management commands with the settings set.

``yagona load-country tj``, ``yagona audit verify``, ``yagona runserver`` ...
``yagona exchange-node --config node.yaml`` runs an exchange node (no Django).
"""

import os
import sys


def main() -> None:
    if sys.argv[1:2] == ["exchange-node"]:  # a node is its own process, without Django
        from yagona.exchange.node.server import main as node

        node(sys.argv[2:])
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yagona.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line([sys.argv[0], *sys.argv[1:]])


if __name__ == "__main__":
    main()
