"""clpcfchk as an administrator runs it: exit codes, one finding a line, --json, scripts/, --rewrite."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

CLPCFCHK = os.environ["CLPCFCHK"]
SOURCE = Path(os.environ["LIFELINE_SOURCE_DIR"])
SAMPLES = Path(os.environ["LIFELINE_SHARED_DIR"]) / "clpconf-samples"
EXPECTED = SOURCE / "tests/golden/config/expected"
DEMO = SOURCE / "installer/examples/demo"


def run(*args):
    return subprocess.run([CLPCFCHK, *map(str, args)], capture_output=True, text=True, timeout=60)


def test_bundled_example_is_clean():
    r = run(DEMO)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.strip().endswith("clp.conf: 0 error(s), 0 warning(s)")


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="shared/clpconf-samples not beside the checkout")
@pytest.mark.parametrize("sample", sorted(p.name for p in SAMPLES.glob("*.conf")) if SAMPLES.is_dir() else [])
def test_samples_report_their_findings(sample):
    r = run(SAMPLES / sample)
    expected = (EXPECTED / f"{sample}.txt").read_text().splitlines()
    findings = [l for l in r.stdout.splitlines() if l.startswith(("error:", "warning:"))]
    assert findings == expected
    errors = sum(1 for l in expected if l.startswith("error:"))
    assert r.returncode == (1 if errors else 0)
    assert r.stdout.splitlines()[-1].endswith(f": {errors} error(s), {len(expected) - errors} warning(s)")


def test_missing_path_exits_2():
    r = run("/nonexistent/clp.conf")
    assert r.returncode == 2
    assert "clpcfchk: /nonexistent/clp.conf: no such file or directory" in r.stderr


def test_directory_without_config_exits_2(tmp_path):
    r = run(tmp_path)
    assert r.returncode == 2
    assert f"clpcfchk: {tmp_path}/clp.conf: cannot open:" in r.stderr


def test_bad_arguments_exit_2():
    r = run()
    assert r.returncode == 2
    assert "Usage: clpcfchk" in r.stderr


def test_syntax_error_is_an_error_with_position(tmp_path):
    conf = tmp_path / "clp.conf"
    conf.write_text("<root>\n<cluster>\n</root>\n")
    r = run(conf)
    assert r.returncode == 1
    assert r.stdout.startswith(f"error: {conf}: XML syntax error at line 3, column")


def test_json_output(tmp_path):
    conf = tmp_path / "clp.conf"
    conf.write_text((DEMO / "clp.conf").read_text().replace("<ip>198.18.0.100</ip>", "<ip>10.1.1.1</ip>"))
    r = run("--json", conf)
    assert r.returncode == 1
    report = json.loads(r.stdout)
    assert report["errors"] == 2
    assert report["warnings"] == 0
    first = report["diagnostics"][0]
    assert first["severity"] == "error"
    assert first["path"] == 'group "failover1" / resource "fip1" / parameters/ip'
    assert first["message"].startswith('10.1.1.1 is not in the subnet of any LAN of server "server1"')
    assert report["scripts"] == ["scripts/failover1/exec1/start.sh", "scripts/failover1/exec1/stop.sh"]


def test_directory_checks_scripts(tmp_path):
    shutil.copytree(DEMO, tmp_path / "demo")
    (tmp_path / "demo/scripts/failover1/exec1/stop.sh").unlink()
    r = run(tmp_path / "demo")
    assert r.returncode == 1
    assert 'error: group "failover1" / resource "exec1": script scripts/failover1/exec1/stop.sh is missing' in r.stdout.splitlines()


def test_rewrite_round_trips_a_sample(tmp_path):
    if not SAMPLES.is_dir():
        pytest.skip("shared/clpconf-samples not beside the checkout")
    src = SAMPLES / "ecx-clpcfdiff-previous-linux-x53-mirror.clp.conf"
    out = tmp_path / "clp.conf"
    r = run("--rewrite", src, out)
    assert r.returncode == 0, r.stderr
    data = out.read_bytes()
    assert data.startswith(b'<?xml version="1.0" encoding="EUC-JP"?>')
    assert b"\r\n" in data  # the sample's CRLF line endings are kept
    again = run(out)
    assert [l for l in again.stdout.splitlines() if l.startswith(("error:", "warning:"))] == \
        (EXPECTED / f"{src.name}.txt").read_text().splitlines()
    # A second rewrite of the output is byte-identical: the normal form is stable.
    out2 = tmp_path / "clp2.conf"
    assert run("--rewrite", out, out2).returncode == 0
    assert out2.read_bytes() == data


def test_defaults_table_is_printed():
    r = run("--defaults-table")
    assert r.returncode == 0
    assert "| root | `cluster/heartbeat/timeout` | 5000 ms |" in r.stdout
