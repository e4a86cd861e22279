import sys

if __name__ == "__main__":
    if getattr(sys, "frozen", False):  # a bundle's child processes; a no-op otherwise (and 20 ms to import)
        import multiprocessing

        multiprocessing.freeze_support()
    from app.cli.main import main

    sys.exit(main())
