"""What signing, confirming and the signer's links refuse; messages are safe to show."""


class SigningError(Exception):
    """A signature that cannot be taken; the message is safe to show to the signer."""


class CampaignNotSigning(SigningError):
    pass


class InvalidConfirmationLink(SigningError):
    pass


class ExpiredConfirmationLink(SigningError):
    pass
