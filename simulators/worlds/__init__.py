"""World files for the simulators: the default world (`default.json`, made by
`python -m simulators.worlds.default`) and large generated worlds (`simulators.worlds.generate`)."""
