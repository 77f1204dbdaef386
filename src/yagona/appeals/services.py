"""Commands on appeals, the door other rooms and the pages call. Each: reach and
permission → transaction (row lock) → change → audit entry → events (notifications
subscribes to ``appeal.stepped``, ``appeal.message``, ``appeal.answer_shared``)."""

from yagona.appeals.appkeys import create_app_key, revoke_app_key  # noqa: F401 (Open311)
from yagona.appeals.author import (  # noqa: F401 (the author's commands)
    Draft,
    complain,
    provide_info,
    rate,
    submit,
    withdraw,
    write,
)
from yagona.appeals.forwarding import forward_as_letter  # noqa: F401, E402 (a letter)
from yagona.appeals.official import (  # noqa: F401 (the officials' commands)
    answer,
    assign,
    extend,
    forward,
    merge,
    note,
    request_info,
)
