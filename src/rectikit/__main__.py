from rectikit.cli import run

run()
