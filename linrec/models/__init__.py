"""Recurrent models with hand-written exact gradients (no autodiff framework)."""
