"""Properties of the container reader: whatever the bytes, read() answers with a container
or a ContainerError (never another exception), and no accepted name leaves its folder."""

import posixpath

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yagona.signing import asic
from yagona.signing.asic import ContainerError
from yagona.signing.asic_manifest import check_data_name

SETTINGS = settings(max_examples=300, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])
segments = st.one_of(st.sampled_from(["..", ".", "", "META-INF", "meta-inf", "mimetype",
                                      "C:", "a\\..", "/"]),
                     st.text(min_size=1, max_size=12))


@SETTINGS
@given(st.lists(segments, min_size=1, max_size=5))
def test_an_accepted_name_stays_in_its_folder(parts):
    name = "/".join(parts)
    try:
        check_data_name(name)
    except ContainerError:
        return
    unpacked = posixpath.normpath(posixpath.join("/srv/in", name))
    assert unpacked.startswith("/srv/in/") and "\\" not in name
    assert not unpacked.casefold().startswith("/srv/in/meta-inf")


@SETTINGS
@given(st.binary(max_size=2048))
def test_any_bytes_are_a_container_or_a_clear_refusal(data):
    try:
        asic.read(data)
    except ContainerError as refusal:
        assert refusal.message


@SETTINGS
@given(changes=st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)),
                        min_size=1, max_size=4),
       cut=st.one_of(st.none(), st.integers(min_value=0)))
def test_a_damaged_container_is_refused_clearly(signed, changes, cut):
    data = bytearray(signed)
    for at, value in changes:
        data[at % len(data)] = value
    if cut is not None:
        data = data[:cut % len(data)]
    try:
        container = asic.read(bytes(data))
    except ContainerError as refusal:
        assert refusal.message
    else:  # what was read back is what was signed (a change fell on a date or padding)
        assert {n: f.data for n, f in container.files.items()} == \
            {n: f.data for n, f in asic.read(signed).files.items()}
