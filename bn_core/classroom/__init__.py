"""What serves a class: kernels forked from one warm process (forkserver, provisioner)."""
