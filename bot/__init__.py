"""MedAliyah: the assistant that answers immigrant doctors, and the transports that carry it.

The assistant (``bot.assistant``) knows nothing of Telegram; ``bot.telegram`` is the only part
that imports it. ``bot.cli`` is the one command line.
"""
