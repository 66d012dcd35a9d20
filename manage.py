#!/usr/bin/env python3
from tongxing.cli import main

if __name__ == "__main__":
    main()
