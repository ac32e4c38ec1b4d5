"""Renderers: one module per output format. They format records and decide nothing."""
