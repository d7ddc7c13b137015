"""The three outputs of a laid-out receipt, from the same instructions: plain text, ESC/POS bytes, PNG."""
from __future__ import annotations

from pos_loyalty.printing.escpos_output import MODELS, UnknownPrinterModel, profile_for_width, to_escpos
from pos_loyalty.printing.png_output import to_png
from pos_loyalty.printing.text_output import to_text

__all__ = ["MODELS", "UnknownPrinterModel", "profile_for_width", "to_escpos", "to_png", "to_text"]
