"""What a kernel's first training run pays once, paid while the learner reads (ui.prebuild queues
it with the first LiveRun), so that a training control's first tap answers as fast as the later
ones: numpy.random's import (a kernel that opened on stored results has drawn no random number
yet) and threadpoolctl finding the BLAS libraries (bn_core.train.one_blas_thread reads
/proc/self/maps). Together ~50 ms on a quiet 2-core machine, several times that on a busy one.
"""


def warm():
    """Do now, once, what the first run would do first."""
    import numpy as np

    from bn_core.train import one_blas_thread

    np.random.default_rng(0).standard_normal(1)
    with one_blas_thread():
        pass
