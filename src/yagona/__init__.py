"""Yagona: an open-source national e-government platform."""
