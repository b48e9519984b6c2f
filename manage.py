#!/usr/bin/env python
from yorisoi.__main__ import main

if __name__ == "__main__":
    main()
