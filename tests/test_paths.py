from app.paths import DataDir, choose_data_dir


def test_data_folder_precedence(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("EARMARK_DATA_DIR", raising=False)
    choose_data_dir(str(tmp_path / "chosen"))  # as the settings dialog does
    assert DataDir.resolve().root == (tmp_path / "chosen").resolve()
    monkeypatch.setenv("EARMARK_DATA_DIR", str(tmp_path / "env"))
    assert DataDir.resolve().root == (tmp_path / "env").resolve()
    assert DataDir.resolve(tmp_path / "flag").root == (tmp_path / "flag").resolve()
    choose_data_dir("")
    monkeypatch.delenv("EARMARK_DATA_DIR")
    assert DataDir.resolve().root.name == "earmark"


def test_a_deep_data_folder_gets_a_short_private_socket(tmp_path):
    deep = tmp_path.joinpath(*["a-rather-long-folder-name"] * 6)
    socket_path = DataDir.resolve(deep).socket_path()
    assert len(str(socket_path)) <= 100 and socket_path.parent.stat().st_mode & 0o777 == 0o700
