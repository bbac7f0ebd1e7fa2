"""Runs a command in a pseudo-terminal, as if a person ran it in a terminal window.

Usage: python3 pty-run.py COLUMNS ROWS COMMAND [ARGS...]

The command's standard input, output and error are the terminal (isatty is true, the window has the
given size); what this script reads on its standard input is typed into the terminal (send "\r" for
Enter and "\x04" for Ctrl-D), and what the terminal shows comes out on its standard output. Exits with
the command's exit code (128 + the signal's number when a signal ended it). Python's standard pty module keeps the test free of native npm builds.
"""

import fcntl
import os
import pty
import select
import struct
import sys
import termios

columns, rows = int(sys.argv[1]), int(sys.argv[2])
command = sys.argv[3:]

pid, terminal = pty.fork()
if pid == 0:
    # The child's side of the terminal: give it its window size before the command starts.
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    os.execvp(command[0], command)

typing = True
while True:
    readable, _, _ = select.select([terminal] + ([0] if typing else []), [], [])
    if terminal in readable:
        try:
            shown = os.read(terminal, 65536)
        except OSError:  # EIO: every process holding the terminal has closed it.
            shown = b""
        if not shown:
            break
        os.write(1, shown)
    if typing and 0 in readable:
        typed = os.read(0, 65536)
        if typed:
            os.write(terminal, typed)
        else:
            typing = False

_, status = os.waitpid(pid, 0)
code = os.waitstatus_to_exitcode(status)
# Killed by a signal: 128 + its number, as a shell reports it (130 for Ctrl-C's SIGINT).
sys.exit(128 - code if code < 0 else code)
