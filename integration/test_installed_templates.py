"""Every labeling template shipped in the installed Label Studio package parses.

``tests/data/ls-templates/`` holds copies of some; this reads the package itself
(``label_studio/annotation_templates/*/*/config.yml``) with the Label Studio virtualenv's own
Python and YAML, so a template added or changed by an upgrade is checked too. The server
accepts every one, so prelabel must parse every one: a mistake the server lets through is a
``ConfigWarning``, never a ``ConfigError``.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from integration.server import ROOT
from prelabel import LabelConfig
from prelabel.labelstudio import Client

_LS_PYTHON = ROOT / ".venv-ls" / "bin" / "python"
_DUMP = """
import glob, json, os, yaml, label_studio
root = os.path.join(os.path.dirname(label_studio.__file__), "annotation_templates")
out = {}
for path in sorted(glob.glob(os.path.join(root, "**", "config.yml"), recursive=True)):
    with open(path, encoding="utf-8") as handle:
        out[os.path.relpath(os.path.dirname(path), root)] = yaml.safe_load(handle)["config"]
print(json.dumps(out))
"""


def _installed_templates() -> dict[str, str]:
    found = subprocess.run(
        [str(_LS_PYTHON), "-c", _DUMP], check=True, capture_output=True, text=True, timeout=120
    )
    templates: dict[str, str] = json.loads(found.stdout)
    return templates


TEMPLATES = _installed_templates() if _LS_PYTHON.exists() else {}


def test_the_package_ships_templates() -> None:
    assert len(TEMPLATES) >= 60, sorted(TEMPLATES)


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_installed_template_parses(name: str) -> None:
    config = LabelConfig.parse(TEMPLATES[name])
    # Tags of Label Studio's paid edition (<Pdf>, <OcrLabels>) are kept as unknown tags.
    assert config.objects or config.controls or config.unknown_tags, f"{name}: nothing read"


def test_the_server_accepts_every_installed_template(ls_client: Client) -> None:
    refused = {name: ls_client.validate_config(xml) for name, xml in TEMPLATES.items()}
    assert {name: why for name, why in refused.items() if why} == {}
