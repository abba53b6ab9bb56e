"""Requirements files read as pip reads them (with each requirement's file and line), and the
dependency chains from the requirements a file states."""

from __future__ import annotations

from pathlib import Path

import pytest

from forkaudit.depgraph import (
    marker_environment,
    platform_markers,
    requirements_dependency_info,
)
from forkaudit.errors import InputError
from forkaudit.model import Distribution, Environment
from forkaudit.requirements import parse_requirement_files, requirement_from_spec

HASH_A = "sha256:" + "a" * 64
HASH_B = "sha256:" + "b" * 64


def test_nested_files_constraints_markers_extras_hashes(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "base.txt").write_text(
        "# base\n-c constraints.txt\nattrs==23.1.0  # pinned\n-f ../wheels\n", encoding="utf-8"
    )
    (tmp_path / "sub" / "constraints.txt").write_text("idna<4\n", encoding="utf-8")
    (tmp_path / "wheels").mkdir()
    main = tmp_path / "requirements.txt"
    main.write_text(
        "\n".join(
            [
                "--index-url https://example.invalid/simple",  # 1
                "--extra-index-url=https://extra.invalid/simple",  # 2
                "-r sub/base.txt",  # 3
                "requests[socks,security]>=2.0 ; python_version >= '3.8' \\",  # 4
                f"    --hash={HASH_A} \\",  # 5
                f"    --hash {HASH_B}",  # 6
                "${FA_TEST_NAME}==1.0",  # 7
                "-e git+https://example.invalid/repo.git#egg=editable-thing",  # 8
                "git+https://example.invalid/other.git#egg=vcs_thing",  # 9
                "sdisty @ https://example.invalid/sdisty-1.0.tar.gz",  # 10
                "https://example.invalid/wheely-2.0-py3-none-any.whl",  # 11
                "./local/thing-1.0.tar.gz",  # 12
                "--pre",  # 13
                "--trusted-host example.invalid",  # 14
                "--no-binary :all:",  # 15
                "",
            ]
        ),
        encoding="utf-8",
    )
    parsed = parse_requirement_files(["requirements.txt"], str(tmp_path), {"FA_TEST_NAME": "six"})
    rows = [(r.name, Path(r.path).name, r.line, r.kind, r.constraint) for r in parsed.lines]
    assert rows == [
        ("idna", "constraints.txt", 1, "index", True),
        ("attrs", "base.txt", 3, "index", False),
        ("requests", "requirements.txt", 4, "index", False),
        ("six", "requirements.txt", 7, "index", False),
        ("editable-thing", "requirements.txt", 8, "build", False),
        ("vcs-thing", "requirements.txt", 9, "build", False),
        ("sdisty", "requirements.txt", 10, "build", False),
        ("wheely", "requirements.txt", 11, "wheel", False),
        ("", "requirements.txt", 12, "build", False),
    ]
    requests = parsed.lines[2]
    assert requests.hashes == (HASH_A, HASH_B)
    assert requests.requirement is not None
    assert requests.requirement.extras == {"socks", "security"}
    assert str(requests.requirement.marker) == 'python_version >= "3.8"'
    assert parsed.hash_mode
    assert parsed.index_url == "https://example.invalid/simple"
    assert parsed.extra_index_urls == ("https://extra.invalid/simple",)
    assert parsed.find_links == (str(tmp_path / "sub" / "../wheels"),)
    assert parsed.pre and parsed.trusted_hosts == ("example.invalid",)
    assert parsed.files == (
        str(main),
        str(tmp_path / "sub" / "base.txt"),
        str(tmp_path / "sub" / "constraints.txt"),
    )
    assert any("--no-binary" in w for w in parsed.warnings)


def test_a_file_naming_itself_is_read_once(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("-r b.txt\nalpha\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("-r a.txt\nbeta\n", encoding="utf-8")
    parsed = parse_requirement_files(["a.txt"], str(tmp_path))
    assert [line.name for line in parsed.lines] == ["beta", "alpha"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("--frobnicate\n", "pip has no requirements-file option '--frobnicate'"),
        ("requests >>> 2\n", "not a valid requirement"),
        ("-r missing.txt\n", "does not exist"),
        ("-r https://example.invalid/r.txt\n", "on the network are not read"),
        ("attrs --hash=deadbeef\n", "is not ALGORITHM:HEX"),
        ("-i\n", "-i needs a value"),
    ],
)
def test_errors_name_the_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "r.txt").write_text("# first\n" + text, encoding="utf-8")
    with pytest.raises(InputError, match=message) as caught:
        parse_requirement_files(["r.txt"], str(tmp_path))
    if "does not exist" not in message:
        assert f"{tmp_path / 'r.txt'}:2" in str(caught.value)


def test_missing_file() -> None:
    with pytest.raises(InputError, match="does not exist"):
        parse_requirement_files(["/nonexistent/requirements.txt"], "/")


def test_specs_from_the_command_line() -> None:
    spec = requirement_from_spec("Acme_Web[metrics]==2.1.0")
    assert (spec.name, spec.kind, spec.path, spec.line) == ("acme-web", "index", "", 0)
    assert requirement_from_spec("pkg-1.0-py3-none-any.whl").kind == "wheel"
    with pytest.raises(InputError):
        requirement_from_spec("not a requirement at all")


def test_platform_markers() -> None:
    assert platform_markers("") == {}
    assert platform_markers("manylinux2014_x86_64") == {
        "sys_platform": "linux",
        "platform_system": "Linux",
        "os_name": "posix",
        "platform_machine": "x86_64",
    }
    assert platform_markers("manylinux_2_28_aarch64")["platform_machine"] == "aarch64"
    assert platform_markers("win_amd64") == {
        "sys_platform": "win32",
        "platform_system": "Windows",
        "os_name": "nt",
        "platform_machine": "AMD64",
    }
    assert platform_markers("macosx_11_0_arm64")["sys_platform"] == "darwin"
    target = marker_environment("3.10", "win_amd64")
    assert (target["python_version"], target["sys_platform"]) == ("3.10", "win32")


def _dist(name: str, requires: tuple[str, ...] = ()) -> Distribution:
    return Distribution(name, "1.0", f"/w/{name}.whl!/{name}-1.0.dist-info", requires, (), 0)


def test_chains_start_at_the_requirements_written() -> None:
    env = Environment(
        path="/r.txt",
        python_version="3.12",
        site_packages=(),
        distributions=(
            _dist("app", ("web[metrics]",)),
            _dist("web", ("proxy", 'metrics; extra == "metrics"', 'old; python_version < "3.11"')),
            _dist("proxy"),
            _dist("metrics"),
            _dist("old"),
            _dist("tool", ("metrics",)),
        ),
        unowned=(),
    )
    info = requirements_dependency_info(env, {"app": set(), "tool": set()})
    assert info["proxy"].chain == ("app", "web", "proxy")
    assert info["metrics"].chain == ("tool", "metrics")  # the shortest, ties by name
    assert info["app"].direct and info["tool"].direct and not info["web"].direct
    assert info["old"].chain == ("old",) and not info["old"].direct
    older = requirements_dependency_info(env, {"app": set()}, marker_environment("3.10"))
    assert older["old"].chain == ("app", "web", "old")
    # nothing written is present: the roots are direct, as for a venv without a project
    roots = requirements_dependency_info(env, {})
    assert roots["app"].direct and roots["tool"].direct and roots["old"].direct
